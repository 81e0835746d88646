"""numerical_gradient divides by 2 and then multiplies by h: `/ 2 * h` instead of `/ (2 * h)`."""

EXERCISE = "gradient"
MISTAKE = "`/ 2 * h` operator precedence"
FEEDBACK = "`/ 2 * h`"

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
        grad[idx] = (fxh1 - fxh2) / 2 * h
        x[idx] = tmp_val
    return grad
