"""gradient_descent adds the gradient (x += lr * grad): it climbs away from the minimum."""

EXERCISE = "descent"
MISTAKE = "climbs instead of descends"
FEEDBACK = "it climbs"

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x += lr * numerical_gradient(f, x)
    return x
