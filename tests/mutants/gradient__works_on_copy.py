"""numerical_gradient works on a copy of x, so f never sees the change through net.W (zeros for a network)."""

EXERCISE = "gradient"
MISTAKE = "computes on a copy of x"
FEEDBACK = "a copy of x"

import numpy as np


def numerical_gradient(f, x):
    h = 1e-4
    x = np.array(x, dtype=float)  # "so that int arrays and lists work too": but this is a copy
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
