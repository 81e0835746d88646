"""A module that imports tqdm for a progress bar: grading has only numpy and the standard library."""

EXERCISE = "losses"
MISTAKE = "a package grading does not have"
FEEDBACK = "grading has no package tqdm"

import numpy as np
import tqdm


def sum_squared_error(y, t):
    return 0.5 * np.sum((np.asarray(y) - np.asarray(t)) ** 2)


def cross_entropy_error(y, t):
    return 0.0
