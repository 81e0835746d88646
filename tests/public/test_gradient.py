"""Public checks for numerical_gradient: gradients known exactly from calculus, and the book's examples."""

import numpy as np

from grader.testing import Fn, StudentCodeError, _, expect_array, fail, fmt, is_close

import probes

H = 1e-4


def _name_the_mistake(got, want, what, forward=None):
    """Fail with the name of a classic mistake when the answer is what that mistake gives (the name first, the
    values last: a student reads the first line)."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or is_close(got, want, atol=1e-6):
        return
    if forward is not None and is_close(got, forward, rtol=1e-6, atol=1e-9):
        fail(
            _(
                "{what} is the forward difference (f(x+h) − f(x)) / h; use the central difference "
                "(f(x+h) − f(x−h)) / (2h): expected {want}, got {got}"
            ).format(what=what, want=fmt(want), got=fmt(got))
        )
    if is_close(got, want * H**2, rtol=1e-3, atol=1e-15):
        fail(
            _("{what} is the right answer times h²: `/ 2 * h` multiplies by h; write `/ (2 * h)` (got {got})").format(
                what=what, got=fmt(got)
            )
        )
    first, rest = got.reshape(-1)[:1], got.reshape(-1)[1:]
    if is_close(first, want.reshape(-1)[:1], atol=1e-6) and not rest.any():
        fail(
            _(
                "{what}: only the first element was computed and the rest stayed 0 "
                "(is `return grad` inside the loop?): got {got}"
            ).format(what=what, got=fmt(got))
        )
    rows = got.reshape(len(got), -1)
    if want.ndim > 1 and np.all(rows == rows[:, :1]):
        fail(
            _(
                "{what}: every row holds one number, so the loop changed whole rows x[i] instead of single "
                "elements; visit every element with np.ndindex(x.shape) (got {got})"
            ).format(what=what, got=fmt(got))
        )


def _check_gradient(got, want, what, forward=None):
    _name_the_mistake(got, want, what, forward)
    expect_array(got, want, what, atol=1e-6)


def test_book_function_2(student):
    """The book's function_2, x0² + x1², has the gradient (2·x0, 2·x1): (6, 8) at (3, 4)."""
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        x = np.array(point)
        _check_gradient(student.numerical_gradient(Fn("sphere"), x), 2 * x, f"numerical_gradient(function_2, {fmt(x)})")


def test_matrix_of_any_shape(student):
    """For a 2-D x (a weight matrix) every element gets its own partial derivative: the book's [[0, 4], [6, 0]]."""
    x = np.array([[0.0, 2.0], [3.0, 0.0]])
    _check_gradient(student.numerical_gradient(Fn("sphere"), x), 2 * x, "numerical_gradient(Σx², [[0, 2], [3, 0]])")


def test_central_difference_on_a_cube(student):
    """Σx³ has the gradient 3x² (to 1e-6: the central difference; a forward one is off by about 3x·h)."""
    x = np.array([1.0, 2.0, -1.5])
    forward = 3 * x**2 + 3 * x * H + H**2
    got = student.numerical_gradient(Fn("polynomial", a=0.0, b=0.0, c=1.0), x)
    _check_gradient(got, 3 * x**2, f"numerical_gradient(Σx³, {fmt(x)})", forward)


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
    got = student.run(probes.attribute_idiom, W=W, x=x, t=t)
    if isinstance(got, np.ndarray) and got.shape == want.shape and not got.any():
        fail(
            _(
                "numerical_gradient worked on a copy of x: the network idiom lambda w: net.loss(x, t) reads net.W, "
                "so it saw no change and every partial derivative came out 0; change the caller's array itself"
            )
        )
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
    if not is_close(got, [6.0, 8.0], atol=1.0):
        fail(
            _(
                "numerical_gradient(function_2, int array [3, 4]) returned {got} instead of [6., 8.]: "
                "an int array cannot hold x + h (3 + 1e-4 is stored as 3), so the differences are truncated; "
                "raise a TypeError asking for x.astype(float)"
            ).format(got=fmt(got))
        )
    expect_array(got, np.array([6.0, 8.0]), _("numerical_gradient(function_2, int array [3, 4])"), atol=1e-6)
