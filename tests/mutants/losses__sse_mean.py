"""sum_squared_error returns the mean squared error, mean((y - t)**2), instead of 0.5 * sum((y - t)**2)."""

EXERCISE = "losses"
MISTAKE = "sum of squared errors averaged (mean squared error)"
FEEDBACK = "mean of the squares"

import numpy as np


def sum_squared_error(y, t):
    return float(np.mean((np.asarray(y, dtype=float) - np.asarray(t, dtype=float)) ** 2))
