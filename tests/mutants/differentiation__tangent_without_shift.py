"""tangent_line returns t -> f(x) + d * t, forgetting to shift by x: the line misses the point (x, f(x))."""

EXERCISE = "differentiation"
MISTAKE = "tangent line not shifted to the point x"
FEEDBACK = "f(x) + d·(t − x)"


def tangent_line(f, x):
    d = numerical_diff(f, x)  # noqa: F821 (the reference's numerical_diff, which this file is appended to)
    return lambda t: f(x) + d * t
