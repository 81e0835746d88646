"""numerical_gradient is the book's gradient_2d: a matrix is taken as a batch of points, each row's gradient of
f(row), so f never sees the whole x."""

EXERCISE = "gradient"
MISTAKE = "a matrix treated as a batch of rows"
FEEDBACK = "gradient_2d"

import numpy as np


def _numerical_gradient_no_batch(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def numerical_gradient(f, X):
    if not np.issubdtype(X.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array: pass X.astype(float)")
    if X.ndim == 1:
        return _numerical_gradient_no_batch(f, X)
    grad = np.zeros_like(X)
    for idx, x in enumerate(X):
        grad[idx] = _numerical_gradient_no_batch(f, x)
    return grad
