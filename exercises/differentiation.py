"""Numerical differentiation (Deep Learning from Scratch, chapter 4.3).

Gradient descent needs the slope of the loss. Before we get it analytically with back-propagation
(chapter 5), we approximate it numerically: nudge x by a tiny h and see how much f changes (4.3.1).
Two details matter. The *central* difference (f(x+h) - f(x-h)) / 2h is far more accurate than the
forward difference (f(x+h) - f(x)) / h, and h must not be too small: with h = 1e-50, x + h rounds back to
x in floating point and every derivative comes out as 0. The book uses h = 1e-4.

With the derivative you can also draw the tangent line of a curve at a point (4.3.2).
"""

from collections.abc import Callable


def numerical_diff(f: Callable[[float], float], x: float) -> float:
    """The derivative of f at x by the central difference (book 4.3.1).

    f: a function of one number; x: the point. Compute (f(x + h) - f(x - h)) / (2 * h) with h = 1e-4
    and return it (mind the parentheses around 2 * h). Use the central difference, not the forward
    difference (f(x + h) - f(x)) / h: its error is of order h**2 instead of h.

    The book's function_1, f(x) = 0.01 x**2 + 0.1 x, whose true derivatives at 5 and 10 are 0.2 and 0.3:

    >>> def function_1(x):
    ...     return 0.01 * x**2 + 0.1 * x
    >>> numerical_diff(function_1, 5)
    0.1999999999990898
    >>> numerical_diff(function_1, 10)
    0.2999999999986347
    """
    raise NotImplementedError


def tangent_line(f: Callable[[float], float], x: float) -> Callable[[float], float]:
    """The tangent line of f at the point x, as a function (book 4.3.2).

    Return a function of one argument t that gives f(x) + d * (t - x), where d is numerical_diff(f, x).
    The returned function must also work when t is a numpy array (to plot the line). Compute d and f(x)
    once, when tangent_line is called, not on every call of the returned function.

    >>> def function_1(x):
    ...     return 0.01 * x**2 + 0.1 * x
    >>> import numpy as np
    >>> tl = tangent_line(function_1, 5)
    >>> tl(5)
    0.75
    >>> tl(np.array([4.0, 6.0]))
    array([0.55, 0.95])
    """
    raise NotImplementedError
