"""gradient_descent's default learning rate is 0.1, not the book's 0.01."""

EXERCISE = "descent"
MISTAKE = "default lr 0.1"
FEEDBACK = ("defaults", "lr=0.1")

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.1, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
