"""Public checks for midpoint_rule."""

from grader.testing import Fn, _, expect_number, name_the_mistake


def test_a_line_is_exact(student):
    """The midpoint rule integrates a straight line exactly; taking f at the left ends does not, and is named."""
    f, a, b, n = Fn("cubic", a=0.0), 0.0, 2.0, 4
    got = student.midpoint_rule(f, a, b, n)
    h = (b - a) / n
    left_ends = (
        lambda: sum(f(a + i * h) for i in range(n)) * h,
        _("f is taken at the left end of each interval; the midpoint rule takes its middle, a + (i + 0.5)·h"),
    )
    name_the_mistake(got, -2.0, "midpoint_rule(-x, 0, 2, 4)", [left_ends])
    expect_number(got, -2.0, "midpoint_rule(-x, 0, 2, 4)")


def test_the_sine_over_half_a_turn(student):
    """The integral of sin from 0 to π is 2; 100 intervals come within 1e-4."""
    got = student.midpoint_rule(Fn("wave"), 0.0, 3.141592653589793, 100)
    expect_number(got, 2.0, _("the integral of sin from 0 to π"), atol=1e-4)
