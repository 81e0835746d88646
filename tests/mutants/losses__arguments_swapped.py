"""cross_entropy_error is declared (t, y), like sklearn's (y_true, y_pred): called as (y, t) it swaps them."""

EXERCISE = "losses"
MISTAKE = "arguments swapped"
FEEDBACK = "takes t first"

import numpy as np


def cross_entropy_error(t, y):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t.reshape(-1)] + 1e-7)) / batch_size)
