"""cross_entropy_error returns the sum over the batch, not the mean: a batch of N costs N times too much."""

EXERCISE = "losses"
MISTAKE = "cross-entropy not averaged over the batch"
FEEDBACK = "sum over the batch"

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return float(-np.sum(np.log(y[np.arange(y.shape[0]), t.reshape(-1)] + 1e-7)))
