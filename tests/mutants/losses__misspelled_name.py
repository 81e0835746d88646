"""The cross-entropy is defined as cross_entropy_eror: cross_entropy_error is missing."""

EXERCISE = "losses"
MISTAKE = "misspelled function name"
FEEDBACK = ("cross_entropy_error", "cross_entropy_eror")

import numpy as np


def cross_entropy_eror(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t.reshape(-1)] + 1e-7)) / batch_size)


del cross_entropy_error  # noqa: F821 (removes the reference's correctly named function)
