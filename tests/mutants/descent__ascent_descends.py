"""gradient_ascent is a copy of gradient_descent that still subtracts the gradient: it finds a minimum."""

EXERCISE = "descent"
MISTAKE = "gradient ascent descends"
FEEDBACK = "it descends"

import numpy as np

from gradient import numerical_gradient


def gradient_ascent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
