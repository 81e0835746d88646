"""gradient_descent has no defaults: gradient_descent(f, init_x) raises TypeError."""

EXERCISE = "descent"
MISTAKE = "no defaults for lr and step_num"
FEEDBACK = ("TypeError", "lr=0.01, step_num=100")

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr, step_num):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
