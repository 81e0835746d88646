"""gradient_descent returns (x, history) like the book's gradient_method.py, not just the final x."""

EXERCISE = "descent"
MISTAKE = "returns (x, history)"
FEEDBACK = "returned a tuple"

import numpy as np

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        x -= lr * numerical_gradient(f, x)
    return x, np.array(x_history)
