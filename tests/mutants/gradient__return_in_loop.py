"""numerical_gradient returns inside the loop: only the first element is computed, the rest stay 0."""

EXERCISE = "gradient"
MISTAKE = "`return` inside the loop"
FEEDBACK = "`return grad` inside the loop"

import numpy as np


def numerical_gradient(f, x):
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array: pass x.astype(float)")
    h = 1e-4
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
