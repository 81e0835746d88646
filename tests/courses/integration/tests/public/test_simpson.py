"""Public checks for trapezoid_rule and simpson_rule."""

from grader.testing import Fn, _, expect_number, name_the_mistake


def test_the_trapezoid_rule_on_a_cubic(student):
    """The trapezoid rule on x³ - x over [0, 2] with 2 intervals: (0/2 + 0 + 6/2) · 1 = 3."""
    expect_number(student.trapezoid_rule(Fn("cubic"), 0.0, 2.0, 2), 3.0, "trapezoid_rule(x³ - x, 0, 2, 2)")


def test_simpson_is_exact_for_a_cubic(student):
    """Simpson's rule integrates x³ - x over [0, 2] exactly: 4 - 2 = 2; with the two rules' weights swapped it
    gives 4, and the failure says so."""
    f, a, b = Fn("cubic"), 0.0, 2.0
    got = student.simpson_rule(f, a, b, 1)
    midpoint, trapezoid = (b - a) * f((a + b) / 2), (b - a) * (f(a) + f(b)) / 2
    swapped = (
        lambda: (midpoint + 2 * trapezoid) / 3,
        _("the two rules' weights are swapped: Simpson's rule is (2·midpoint + trapezoid) / 3"),
    )
    name_the_mistake(got, 2.0, "simpson_rule(x³ - x, 0, 2, 1)", [swapped])
    expect_number(got, 2.0, "simpson_rule(x³ - x, 0, 2, 1)")
