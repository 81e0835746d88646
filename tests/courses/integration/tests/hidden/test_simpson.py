"""Hidden checks for simpson_rule."""

from grader.testing import Fn, expect_number


def test_random_cubics_are_exact(student, rng):
    """Simpson's rule is exact for every cubic, on any interval."""
    a, b, weight = *sorted(rng.uniform(-3, 3, 2)), float(rng.uniform(0.5, 2))
    exact = weight * (b**4 - a**4) / 4 - (b**2 - a**2) / 2
    expect_number(student.simpson_rule(Fn("cubic", a=weight), a, b, 3), exact, "simpson_rule", rtol=1e-9, atol=1e-9)
