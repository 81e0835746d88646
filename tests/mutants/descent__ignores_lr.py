"""gradient_descent always steps with 0.01 and ignores its lr argument."""

EXERCISE = "descent"
MISTAKE = "ignores lr"
FEEDBACK = "ignores lr"

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= 0.01 * numerical_gradient(f, x)
    return x
