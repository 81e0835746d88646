"""Public checks for numerical_diff and tangent_line: derivatives known exactly from calculus."""

import numpy as np

from grader.testing import Fn, _, expect_array, expect_number, fail, is_close


def _diagnose_cube_at_1(got):
    """Name the classic mistakes by the value they give for f(x) = x³ at x = 1 with h = 1e-4."""
    if is_close(got, 3.0003, atol=1e-5):
        fail(
            _(
                "numerical_diff(f, 1) for f(x) = x³ gave {got}: that is the forward difference "
                "(f(x+h) − f(x)) / h, whose error is about 3e-4 here; use the central difference "
                "(f(x+h) − f(x−h)) / (2h), accurate to 1e-8"
            ).format(got=f"{got:.10g}")
        )
    if is_close(got, 0.0, atol=1e-12):
        fail(_("numerical_diff(f, 1) for f(x) = x³ gave 0: h is so small that x + h rounds back to x (use h = 1e-4)"))
    if is_close(got, 3e-8, rtol=1e-3):
        fail(
            _(
                "numerical_diff(f, 1) for f(x) = x³ gave {got}: `/ 2 * h` divides by 2 and then multiplies by h; "
                "write `/ (2 * h)`"
            ).format(got=f"{got:.3g}")
        )


def test_derivative_of_cube(student):
    """The derivative of x³ at 1 is 3 (to 1e-6: the central difference)."""
    got = student.numerical_diff(Fn("cube"), 1.0)
    _diagnose_cube_at_1(got)
    expect_number(got, 3.0, _("numerical_diff(f, 1) for f(x) = x³"), atol=1e-6)


def test_central_difference_is_exact_on_a_parabola(student):
    """For f(x) = 1000x² the central difference is exact; a forward one is off by about 1000·h."""
    got = student.numerical_diff(Fn("polynomial", a=0.0, b=1000.0, c=0.0), 1.0)
    expect_number(got, 2000.0, _("numerical_diff(f, 1) for f(x) = 1000x²"), atol=1e-5)


def test_book_function_1(student):
    """The book's example: f(x) = 0.01x² + 0.1x has slope 0.2 at x = 5 and 0.3 at x = 10."""
    for x, slope in ((5.0, 0.2), (10.0, 0.3)):
        expect_number(
            student.numerical_diff(Fn("book_function_1"), x), slope, f"numerical_diff(function_1, {x:g})", atol=1e-6
        )


def test_tangent_line_touches_and_has_the_slope(student):
    """The tangent of 0.01x² + 0.1x at 5 passes through (5, 0.75) with slope 0.2."""
    line = student.tangent_line(Fn("book_function_1"), 5.0)
    if not callable(line):
        fail(_("tangent_line(function_1, 5) should return a function, got {type}").format(type=type(line).__name__))
    expect_number(line(5.0), 0.75, "tangent_line(function_1, 5)(5)", atol=1e-6)
    expect_number(line(6.0), 0.95, "tangent_line(function_1, 5)(6)", atol=1e-6)


def test_tangent_line_accepts_arrays(student):
    """The tangent line works on a numpy array of t values (to plot it)."""
    line = student.tangent_line(Fn("book_function_1"), 5.0)
    got = line(np.array([4.0, 6.0]))
    expect_array(got, np.array([0.55, 0.95]), "tangent_line(function_1, 5)([4, 6])", atol=1e-6)
