"""cross_entropy_error adds t to log(y) instead of multiplying: -sum(t + log(y + delta))."""

EXERCISE = "losses"
MISTAKE = "`+` instead of `*` in the cross-entropy"
FEEDBACK = "t + log(y)"

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t.reshape(-1)]
    return float(-np.sum(t + np.log(y + 1e-7)) / y.shape[0])
