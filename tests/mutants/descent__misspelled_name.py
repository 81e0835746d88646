"""Gradient descent is defined as gradient_decent (a common misspelling): gradient_descent is missing."""

EXERCISE = "descent"
MISTAKE = "misspelled function name"
FEEDBACK = ("gradient_descent", "gradient_decent")

import numpy as np

from gradient import numerical_gradient


def gradient_decent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


del gradient_descent  # noqa: F821 (removes the reference's correctly named function)
