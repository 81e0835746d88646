"""numerical_gradient loops over x.shape[0] only: right for a vector, silently wrong for a matrix."""

EXERCISE = "gradient"
MISTAKE = "loops over x.shape[0] only"
FEEDBACK = "whole rows"

import numpy as np


def numerical_gradient(f, x):
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array: pass x.astype(float)")
    h = 1e-4
    grad = np.zeros(x.shape)
    for idx in range(x.shape[0]):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
