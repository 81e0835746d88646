"""The midpoint rule: the area under f on [a, b] from n rectangles, each as high as f in its middle."""

from collections.abc import Callable


def midpoint_rule(f: Callable[[float], float], a: float, b: float, n: int) -> float:
    """The integral of f from a to b by the midpoint rule on n intervals of equal width.

    >>> midpoint_rule(lambda x: x, 0.0, 2.0, 4)
    2.0
    """
    raise NotImplementedError
