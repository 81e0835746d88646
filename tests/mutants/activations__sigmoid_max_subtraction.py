"""sigmoid copies softmax's overflow trick and subtracts max(x): each output depends on the other inputs."""

EXERCISE = "activations"
MISTAKE = "sigmoid with max subtraction"
FEEDBACK = "subtracts the maximum"

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 1 / (1 + np.exp(-(x - np.max(x))))
