"""numerical_gradient is the book's 1-D version, for idx in range(x.size): x[idx] ...: on a matrix x[idx] is a
whole row, and idx runs past the last row (IndexError)."""

EXERCISE = "gradient"
MISTAKE = "the 1-D loop range(x.size) on a matrix"
FEEDBACK = "range(x.size)"

import numpy as np


def numerical_gradient(f, x):
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array: pass x.astype(float)")
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
