"""numerical_gradient builds each shifted point as a new array in a list comprehension: f gets copies, never
the caller's x, so a loss that reads net.W sees no change."""

EXERCISE = "gradient"
MISTAKE = "computes on copies made in a list comprehension"
FEEDBACK = "a copy of x"

import numpy as np


def numerical_gradient(f, x):
    h = 1e-4
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + step) - f(x - step)) / (2 * h) for step in steps]).reshape(x.shape)
