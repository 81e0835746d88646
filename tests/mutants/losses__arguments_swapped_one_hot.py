"""cross_entropy_error mixes up y and t in the one-hot formula: -sum(y * log(t + delta)) instead of
-sum(t * log(y + delta))."""

EXERCISE = "losses"
MISTAKE = "arguments swapped (one-hot formula)"
FEEDBACK = "takes t first"

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t.reshape(-1).astype(int)]
    return float(-np.sum(y * np.log(t + 1e-7)) / y.shape[0])
