"""The trapezoid rule, and Simpson's rule built from it and the midpoint rule."""

from collections.abc import Callable

from midpoint import midpoint_rule


def trapezoid_rule(f: Callable[[float], float], a: float, b: float, n: int) -> float:
    """The integral of f from a to b by the trapezoid rule on n intervals of equal width.

    >>> trapezoid_rule(lambda x: x * x, 0.0, 1.0, 1)
    0.5
    """
    raise NotImplementedError


def simpson_rule(f: Callable[[float], float], a: float, b: float, n: int) -> float:
    """The integral of f from a to b by Simpson's rule: (2 · midpoint + trapezoid) / 3 on n intervals.

    >>> simpson_rule(lambda x: x * x, 0.0, 1.0, 1)
    0.3333333333333333
    """
    raise NotImplementedError
