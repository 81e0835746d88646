"""The trapezoid rule, and Simpson's rule built from it and the midpoint rule."""

from collections.abc import Callable

from midpoint import midpoint_rule


def trapezoid_rule(f: Callable[[float], float], a: float, b: float, n: int) -> float:
    """The integral of f from a to b by the trapezoid rule on n intervals of equal width.

    >>> trapezoid_rule(lambda x: x * x, 0.0, 1.0, 1)
    0.5
    """
    ### BEGIN SOLUTION
    h = (b - a) / n
    inner = sum(f(a + i * h) for i in range(1, n))
    return float((f(a) / 2 + inner + f(b) / 2) * h)
    ### END SOLUTION


def simpson_rule(f: Callable[[float], float], a: float, b: float, n: int) -> float:
    """The integral of f from a to b by Simpson's rule: (2 · midpoint + trapezoid) / 3 on n intervals.

    >>> simpson_rule(lambda x: x * x, 0.0, 1.0, 1)
    0.3333333333333333
    """
    ### BEGIN SOLUTION
    return (2 * midpoint_rule(f, a, b, n) + trapezoid_rule(f, a, b, n)) / 3
    ### END SOLUTION
