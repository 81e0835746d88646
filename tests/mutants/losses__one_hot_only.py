"""cross_entropy_error knows one-hot t only, -sum(t * log(y + delta)): labels give wrong values or errors."""

EXERCISE = "losses"
MISTAKE = "cross-entropy for one-hot t only"
FEEDBACK = "one-hot t only"

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    return float(-np.sum(t * np.log(y + 1e-7)) / y.shape[0])
