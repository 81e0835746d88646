"""Gradient descent (Deep Learning from Scratch, chapter 4.4.1).

The gradient points uphill, so to find a minimum of f we start somewhere and repeatedly take a small step
against it: x <- x - lr * grad f(x). The learning rate lr sets the step size (too large and x diverges,
too small and it barely moves) and step_num the number of steps; both are hyperparameters you choose by
hand. Gradient ascent is the same walk uphill, to find a maximum.

Use numerical_gradient from the gradient exercise (already imported below) for grad f(x).
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from gradient import numerical_gradient


def gradient_descent(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Minimise f by step_num steps of gradient descent from init_x (book 4.4.1).

    f: a function of an array; init_x: the starting point (a numpy array of any numeric dtype, or a list);
    lr: the learning rate; step_num: how many steps to take. Each step sets x to x - lr * (gradient of f
    at x). Return only the final x, as a new float array of init_x's shape.

    Never change the caller's init_x: work on your own float copy (this also lets an integer init_x such
    as np.array([-3, 4]) work, since an int array could not hold the fractional steps).

    The book's example, f(x0, x1) = x0**2 + x1**2 from (-3, 4), ends very close to the minimum (0, 0):

    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    array([-6.11110793e-10,  8.14814391e-10])
    """
    raise NotImplementedError


def gradient_ascent(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Maximise f by step_num steps of gradient ascent from init_x.

    The same as gradient_descent, with the same parameters and the same rules (return a new float array,
    never change init_x), except that each step climbs: x becomes x + lr * (gradient of f at x).

    f(x0, x1) = -(x0 - 1)**2 - (x1 + 2)**2 has its maximum at (1, -2):

    >>> def hill(x):
    ...     return -((x[0] - 1) ** 2) - (x[1] + 2) ** 2
    >>> np.round(gradient_ascent(hill, [0.0, 0.0], lr=0.1, step_num=100), 6)
    array([ 1., -2.])
    """
    raise NotImplementedError
