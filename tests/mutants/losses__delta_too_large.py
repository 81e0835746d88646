"""cross_entropy_error adds delta = 1e-4 inside the log: a zero probability costs -log(1e-4) ~ 9.2, not 16.1."""

EXERCISE = "losses"
MISTAKE = "cross-entropy with delta 1e-4"
FEEDBACK = ("delta", "0.0001")

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t.reshape(-1)] + 1e-4)) / batch_size)
