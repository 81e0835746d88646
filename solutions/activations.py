"""Activation functions (Deep Learning from Scratch, chapters 3.2.4 and 3.5, used throughout chapter 4).

The two-layer network of chapter 4.5 passes its hidden layer through the sigmoid and turns its output
scores into probabilities with the softmax, whose result the cross-entropy loss then judges.

The softmax holds a trap (3.5.2): exp(1000) overflows to inf, and inf / inf is nan. Since softmax gives the
same result when the same constant is subtracted from every score, subtract the largest score first. A
network feeds softmax a whole mini-batch at once, one sample per row, so each row is its own softmax.
"""

import numpy as np
from numpy.typing import ArrayLike


def sigmoid(x: ArrayLike) -> np.ndarray:
    """The sigmoid function 1 / (1 + exp(-x)), element by element (book 3.2.4).

    x: a number or a numpy array of any shape; return an array of the same shape with values in (0, 1).
    Apply the formula to each element on its own: unlike softmax, nothing is subtracted from x here
    (each output depends on its own input only, so there is no max or sum over elements).

    >>> sigmoid(np.array([-1.0, 1.0, 2.0]))
    array([0.26894142, 0.73105858, 0.88079708])
    """
    ### BEGIN SOLUTION
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))
    ### END SOLUTION


def softmax(x: ArrayLike) -> np.ndarray:
    """The softmax function, numerically stable, for one vector or a batch of rows (book 3.5.1 to 3.5.3).

    x: the scores, either one sample (1-D, shape (n,)) or a batch (2-D, shape (batch, n)). Return an array
    of the same shape: exp(x_k) / sum_i exp(x_i), computed for each row on its own, so that every row is
    positive and sums to 1.

    Subtract the row's maximum from the row before taking exp, so that large scores such as
    [1010, 1000, 990] do not overflow to inf and give nan. For a 2-D batch, take the max and the sum along
    the last axis of each row, not over the whole array.

    >>> softmax(np.array([0.3, 2.9, 4.0]))
    array([0.01821127, 0.24519181, 0.73659691])
    >>> softmax(np.array([1010.0, 1000.0, 990.0]))
    array([9.99954600e-01, 4.53978686e-05, 2.06106005e-09])
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
    ### END SOLUTION
