"""cross_entropy_error takes -log(y) without the delta 1e-7: a zero probability for the label gives inf."""

EXERCISE = "losses"
MISTAKE = "cross-entropy without the delta"
FEEDBACK = "delta"

import numpy as np


def cross_entropy_error(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t.reshape(-1)])) / batch_size)
