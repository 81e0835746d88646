"""softmax takes exp(x) without subtracting the max: [1010, 1000, 990] overflows to inf and gives nan."""

EXERCISE = "activations"
MISTAKE = "softmax without subtracting the max"
FEEDBACK = "overflows"

import numpy as np


def softmax(x):
    exp_x = np.exp(np.asarray(x, dtype=float))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
