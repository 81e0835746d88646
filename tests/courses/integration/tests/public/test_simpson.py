"""Public checks for trapezoid_rule and simpson_rule."""

from grader.testing import Fn, expect_number


def test_the_trapezoid_rule_on_a_cubic(student):
    """The trapezoid rule on x³ - x over [0, 2] with 2 intervals: (0/2 + 0 + 6/2) · 1 = 3."""
    expect_number(student.trapezoid_rule(Fn("cubic"), 0.0, 2.0, 2), 3.0, "trapezoid_rule(x³ - x, 0, 2, 2)")


def test_simpson_is_exact_for_a_cubic(student):
    """Simpson's rule integrates x³ - x over [0, 2] exactly: 4 - 2 = 2."""
    expect_number(student.simpson_rule(Fn("cubic"), 0.0, 2.0, 1), 2.0, "simpson_rule(x³ - x, 0, 2, 1)")
