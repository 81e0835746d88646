"""Hidden checks for midpoint_rule, on intervals drawn from the seed."""

from grader.testing import Fn, expect_number


def test_random_cubics_match_the_reference(student, reference, rng):
    """On a random cubic and interval, the student's midpoint rule gives the reference's number."""
    a, b, weight = *sorted(rng.uniform(-2, 2, 2)), float(rng.uniform(0.5, 2))
    f = Fn("cubic", a=weight)
    expect_number(student.midpoint_rule(f, a, b, 7), reference.midpoint_rule(f, a, b, 7), "midpoint_rule")


def test_one_interval_is_the_middle_value(student):
    """With n = 1 the rule is (b - a) · f((a + b) / 2)."""
    expect_number(student.midpoint_rule(Fn("cubic"), 0.0, 2.0, 1), 0.0, "midpoint_rule(x³ - x, 0, 2, 1)")
