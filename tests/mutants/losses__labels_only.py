"""cross_entropy_error knows integer labels only, y[np.arange(batch_size), t]: one-hot t breaks the indexing."""

EXERCISE = "losses"
MISTAKE = "cross-entropy for labels only"
FEEDBACK = "labels only"

import numpy as np


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
