"""Public checks for numerical_gradient: gradients known exactly from calculus, and the book's examples."""

import numpy as np

from grader.testing import Fn, StudentCodeError, _, expect_array, fail, fmt, is_close, name_the_mistake

import probes
from mistakes import check_rows_differ, gradient_mistakes, refuse_copy, refuse_single_index, truncated_gradient


def _check_gradient(student, f, x, want, what):
    """numerical_gradient(f, x) against the exact WANT, naming the classic mistake that gives a wrong answer."""
    try:
        got = student.numerical_gradient(f, x.copy())
    except StudentCodeError as exc:
        refuse_single_index(exc, x, what)
        raise
    if isinstance(got, np.ndarray) and got.shape == want.shape and not is_close(got, want, atol=1e-6):
        name_the_mistake(got, want, what, gradient_mistakes(f, x, want))
        check_rows_differ(got, x, what)
    expect_array(got, want, what, atol=1e-6)


def test_book_function_2(student):
    """The book's function_2, x0² + x1², has the gradient (2·x0, 2·x1): (6, 8) at (3, 4)."""
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        x = np.array(point)
        _check_gradient(student, Fn("sphere"), x, 2 * x, f"numerical_gradient(function_2, {fmt(x)})")


def test_matrix_of_any_shape(student):
    """For a 2-D x (a weight matrix) every element gets its own partial derivative, also when f mixes rows.

    The book's Σx² at [[0, 2], [3, 0]] has the gradient [[0, 4], [6, 0]]; Σ c·x³, with one coefficient per
    element, tells apart a loop that takes each row as a point of its own.
    """
    x = np.array([[0.0, 2.0], [3.0, 0.0]])
    _check_gradient(student, Fn("sphere"), x, 2 * x, "numerical_gradient(Σx², [[0, 2], [3, 0]])")
    c = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x = np.array([[1.0, -1.0, 0.5], [2.0, 0.25, -2.0]])
    f = Fn("polynomial", a=0.0, b=0.0, c=c)
    _check_gradient(student, f, x, 3 * c * x**2, "numerical_gradient(Σ c·x³, a 2×3 x)")


def test_central_difference_on_a_cube(student):
    """Σx³ has the gradient 3x² (to 1e-6: the central difference; a forward one is off by about 3x·h)."""
    x = np.array([1.0, 2.0, -1.5])
    _check_gradient(student, Fn("polynomial", a=0.0, b=0.0, c=1.0), x, 3 * x**2, f"numerical_gradient(Σx³, {fmt(x)})")


def test_x_is_restored_exactly(student):
    """After the call the caller's x holds exactly its original values (put every element back)."""
    x = np.array([[0.1, -0.7, 2.3], [1e-3, 5.5, -0.2]])
    after = student.numerical_gradient.trace(Fn("sphere"), x).args[1]
    if not isinstance(after, np.ndarray) or after.shape != x.shape or after.tobytes() != x.tobytes():
        fail(
            _(
                "numerical_gradient(f, x) changed x = [[0.1, -0.7, 2.3], [1e-3, 5.5, -0.2]]: put each element back "
                "(x[idx] = tmp_val) after evaluating f(x + h) and f(x − h)"
            )
        )


def test_network_idiom(student):
    """numerical_gradient(lambda w: net.loss(), net.W) works: f sees the change through net.W, not its argument."""
    W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    x = np.array([[1.0, 2.0], [-0.5, 1.0]])
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    want = 2 * x.T @ (x @ W - t)
    got = student.run(probes.attribute_idiom, label="numerical_gradient", W=W, x=x, t=t)
    refuse_copy(student, got, want, W)
    what = _("numerical_gradient(lambda w: net.loss(), net.W) for a loss Σ(x·W − t)²")
    expect_array(got, want, what, atol=1e-6)


def test_integer_array(student):
    """An int x = [3, 4] gives either the right gradient (6, 8) as floats or a TypeError, never a wrong one."""
    x = np.array([3, 4])
    try:
        got = student.numerical_gradient(Fn("sphere"), x)
    except StudentCodeError as exc:
        if exc.raised(TypeError):  # by type: a message that merely mentions TypeError does not count
            return
        raise
    if is_close(got, truncated_gradient(Fn("sphere"), x), rtol=1e-6) and not is_close(got, [6.0, 8.0], atol=1.0):
        fail(
            _(
                "numerical_gradient(function_2, int array [3, 4]) returned {got} instead of [6., 8.]: "
                "an int array cannot hold x + h (3 + 1e-4 is stored as 3), so the differences are truncated; "
                "raise a TypeError asking for x.astype(float)"
            ).format(got=fmt(got))
        )
    expect_array(got, np.array([6.0, 8.0]), _("numerical_gradient(function_2, int array [3, 4])"), atol=1e-6)
