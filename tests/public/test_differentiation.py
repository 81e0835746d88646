"""Public checks for numerical_diff and tangent_line: derivatives known exactly from calculus."""

import numpy as np

from grader.testing import Fn, _, expect_array, expect_number, fail, is_close, name_the_mistake

from mistakes import difference_mistakes, tangent_mistakes


def _check_diff(student, f, x, want, what, atol=1e-6):
    """numerical_diff(f, x) against the exact WANT, naming the classic mistake that gives a wrong answer."""
    got = student.numerical_diff(f, x)
    if not is_close(got, want, atol=atol):
        name_the_mistake(got, want, what, difference_mistakes(f, x))
    expect_number(got, want, what, atol=atol)


def _check_tangent(student, line, t, want, what):
    """The tangent line of function_1 at 5, evaluated at T, naming the mistake that gives a wrong value."""
    got = line(t)
    if not is_close(got, want, atol=1e-6):
        f = Fn("book_function_1")
        mistakes = tangent_mistakes(f, 5.0, student.numerical_diff(f, 5.0), 0.2, t)
        name_the_mistake(got, want, what, mistakes)
    if isinstance(want, np.ndarray):
        expect_array(got, want, what, atol=1e-6)
    else:
        expect_number(got, want, what, atol=1e-6)


def test_derivative_of_cube(student):
    """The derivative of x³ at 1 is 3 (to 1e-6: the central difference)."""
    _check_diff(student, Fn("cube"), 1.0, 3.0, _("numerical_diff(f, 1) for f(x) = x³"))


def test_central_difference_is_exact_on_a_parabola(student):
    """For f(x) = 1000x² the central difference is exact; a forward one is off by about 1000·h."""
    f = Fn("polynomial", a=0.0, b=1000.0, c=0.0)
    _check_diff(student, f, 1.0, 2000.0, _("numerical_diff(f, 1) for f(x) = 1000x²"), atol=1e-5)


def test_book_function_1(student):
    """The book's example: f(x) = 0.01x² + 0.1x has slope 0.2 at x = 5 and 0.3 at x = 10."""
    for x, slope in ((5.0, 0.2), (10.0, 0.3)):
        _check_diff(student, Fn("book_function_1"), x, slope, f"numerical_diff(function_1, {x:g})")


def test_tangent_line_touches_and_has_the_slope(student):
    """The tangent of 0.01x² + 0.1x at 5 passes through (5, 0.75) with slope 0.2."""
    line = student.tangent_line(Fn("book_function_1"), 5.0)
    if not callable(line):
        fail(_("tangent_line(function_1, 5) should return a function, got {type}").format(type=type(line).__name__))
    _check_tangent(student, line, 5.0, 0.75, "tangent_line(function_1, 5)(5)")
    _check_tangent(student, line, 6.0, 0.95, "tangent_line(function_1, 5)(6)")


def test_tangent_line_accepts_arrays(student):
    """The tangent line works on a numpy array of t values (to plot it)."""
    line = student.tangent_line(Fn("book_function_1"), 5.0)
    _check_tangent(student, line, np.array([4.0, 6.0]), np.array([0.55, 0.95]), "tangent_line(function_1, 5)([4, 6])")
