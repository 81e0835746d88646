"""softmax is defined as soft_max: activations loses its softmax tests, and networks, which imports softmax,
is served the reference's instead of being charged again."""

EXERCISE = "activations"
MISTAKE = "misspelled function name"
FEEDBACK = ("has no softmax", "soft_max")

import numpy as np


def soft_max(x):
    x = np.asarray(x, dtype=float)
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


del softmax  # noqa: F821 (removes the reference's correctly named function)
