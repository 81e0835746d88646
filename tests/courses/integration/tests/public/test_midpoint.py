"""Public checks for midpoint_rule."""

from grader.testing import Fn, _, expect_number


def test_a_line_is_exact(student):
    """The midpoint rule integrates a straight line exactly."""
    expect_number(student.midpoint_rule(Fn("cubic", a=0.0), 0.0, 2.0, 4), -2.0, "midpoint_rule(-x, 0, 2, 4)")


def test_the_sine_over_half_a_turn(student):
    """The integral of sin from 0 to π is 2; 100 intervals come within 1e-4."""
    got = student.midpoint_rule(Fn("wave"), 0.0, 3.141592653589793, 100)
    expect_number(got, 2.0, _("the integral of sin from 0 to π"), atol=1e-4)
