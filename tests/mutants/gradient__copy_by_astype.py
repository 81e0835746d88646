"""numerical_gradient starts with x = x.astype(float), "so that int arrays work": astype always copies, so
f never sees the change through net.W."""

EXERCISE = "gradient"
MISTAKE = "computes on a copy made by astype"
FEEDBACK = "a copy of x"

import numpy as np


def numerical_gradient(f, x):
    h = 1e-4
    x = x.astype(float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad
