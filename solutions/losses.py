"""Loss functions (Deep Learning from Scratch, chapter 4.2).

A neural network learns by searching for the parameters that make a *loss function* small: one number that
says how badly the network's output y matches the correct answer t. Here you write the two losses of
section 4.2: the sum of squared errors (4.2.1) and the cross-entropy error (4.2.2), the latter for one
sample or a mini-batch, with t given as one-hot vectors or as integer class labels (4.2.3, 4.2.4).

Both take y first and t second, in that order, and accept numpy arrays or plain Python lists.
"""

import numpy as np
from numpy.typing import ArrayLike


def sum_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    """Sum of squared errors: one half of the sum of (y - t)**2 over all elements (book 4.2.1).

    y: the network's output, e.g. softmax probabilities; t: the target, same shape as y (usually one-hot).
    Any shape works, a batch included: add up over every element and do not divide by the number of
    elements or samples (this is not the mean squared error). Return a Python float.

    The book's example: class 2 is correct and the network gives it probability 0.6.

    >>> t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    >>> y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    >>> sum_squared_error(np.array(y), np.array(t))
    0.09750000000000003
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t, dtype=float)
    return float(0.5 * np.sum((y - t) ** 2))
    ### END SOLUTION


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Cross-entropy error, averaged over a mini-batch (book 4.2.2 to 4.2.4).

    y: the network's output probabilities, either one sample (1-D, shape (n,)) or a batch (2-D, shape
    (batch, n)). t: the correct answers, either one-hot (same shape as y) or integer class labels (a
    scalar for a 1-D y, shape (batch,) for a 2-D y).

    For every sample take the probability y gives to its correct class, compute -log(p + 1e-7), and
    return the mean of these over the batch as a Python float. The small delta 1e-7 keeps a zero
    probability from giving log(0) = -inf: such a sample costs -log(1e-7) ~ 16.1, a large finite loss.
    A 1-D y is a batch of one sample.

    The book's example, with one-hot t and then with the label 2:

    >>> y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    >>> cross_entropy_error(np.array(y), np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]))
    0.510825457099338
    >>> cross_entropy_error(np.array(y), 2)
    0.510825457099338
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = t.reshape(1, t.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    labels = t.reshape(-1).astype(int)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), labels] + 1e-7)) / batch_size)
    ### END SOLUTION
