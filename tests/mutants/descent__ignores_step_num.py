"""gradient_descent always takes 100 steps and ignores its step_num argument."""

EXERCISE = "descent"
MISTAKE = "ignores step_num"
FEEDBACK = "ignores step_num"

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(100):
        x -= lr * numerical_gradient(f, x)
    return x
