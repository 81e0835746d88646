"""numerical_gradient never puts x[idx] back: the caller's array is left with every element lowered by h."""

EXERCISE = "gradient"
MISTAKE = "does not restore x"
FEEDBACK = "put each element back"

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
    return grad
