"""The gradient (Deep Learning from Scratch, chapter 4.4).

The gradient of f at x is the vector of all partial derivatives of f, one per element of x (4.3.3, 4.4).
It points in the direction in which f grows fastest, so stepping against it lowers f: the idea behind
gradient descent and behind training a network, whose weights are matrices (4.4.2). Your function must
therefore handle an x of any shape, not just a vector.

How it is computed matters as much as what: vary one element of x at a time by the central difference,
and do it *in the caller's array* and undo it exactly afterwards. A network's loss reads its weights from
`net.W`, not from its argument, so `numerical_gradient(lambda w: net.loss(x, t), net.W)` only works if the
change is made in `net.W` itself.
"""

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """The gradient of f at x by central differences, for an x of any shape (book 4.4, 4.4.2).

    f: a function that takes an array shaped like x and returns a number.
    x: a float numpy array with ndim >= 1 (a vector, a weight matrix, ...).
    Return a new float array of the same shape as x whose every element is the partial derivative
    (f(x with that element + h) - f(x with that element - h)) / (2 * h), h = 1e-4.

    Change the elements of x itself (not a copy) while you evaluate f, and put every element back to its
    exact original value before moving on, so that x is unchanged when you return.
    An integer (or bool) x cannot hold x + h (3 + 1e-4 would be stored as 3): raise a TypeError whose
    message tells the caller to pass x.astype(float) instead.

    The book's function_2, f(x0, x1) = x0**2 + x1**2, whose gradient is (2 x0, 2 x1):

    >>> def function_2(x):
    ...     return np.sum(x**2)
    >>> numerical_gradient(function_2, np.array([3.0, 4.0]))
    array([6., 8.])
    >>> numerical_gradient(function_2, np.array([[0.0, 2.0], [3.0, 0.0]]))
    array([[0., 4.],
           [6., 0.]])
    """
    ### BEGIN SOLUTION
    if np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.bool_):
        raise TypeError(
            f"numerical_gradient needs a float array, got dtype {x.dtype}: an integer array cannot hold "
            "x + h. Pass x.astype(float) instead."
        )
    h = 1e-4
    grad = np.zeros(x.shape, dtype=float)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        fxh1 = f(x)
        x[idx] = original - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = original
    return grad
    ### END SOLUTION
