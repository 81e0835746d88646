"""numerical_gradient uses the forward difference (f(x+h) - f(x)) / h for every element."""

EXERCISE = "gradient"
MISTAKE = "forward difference instead of the central difference"
FEEDBACK = "forward difference"

import numpy as np


def numerical_gradient(f, x):
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array: pass x.astype(float)")
    h = 1e-4
    grad = np.zeros(x.shape)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = tmp_val
    return grad
