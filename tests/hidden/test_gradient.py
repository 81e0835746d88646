"""Hidden checks for numerical_gradient: random shapes and functions, compared with the reference."""

import numpy as np
import pytest

from grader.testing import Fn, StudentCodeError, _, expect_array, fail, fmt, is_close, name_the_mistake, unseen_function

import probes
from mistakes import check_rows_differ, gradient_mistakes, refuse_copy, refuse_single_index, truncated_gradient

H = 1e-4
# Every h in 1e-6..1e-3 passes; a forward difference (off by h·f''/2 ≥ 5e-5 here) does not.
RTOL, ATOL = 1e-6, 1e-5


def _random_polynomial(rng, shape):
    """Σ a·x + b·x² + c·x³ with coefficients per element; |f''| = |2b + 6cx| ≥ 1 where |x| ≤ 1.5."""
    a = rng.uniform(-2, 2, shape)
    b = rng.uniform(5, 10, shape) * rng.choice([-1, 1], shape)
    c = rng.uniform(-1, 1, shape)
    return Fn("polynomial", a=a, b=b, c=c), rng.uniform(-1.5, 1.5, shape)


def _name_the_mistake(got, want, f, x, what):
    """Fail with the name of a classic mistake when the answer is what that mistake gives."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or is_close(got, want, RTOL, ATOL):
        return
    name_the_mistake(got, want, what, gradient_mistakes(f, x, want))
    check_rows_differ(got, x, what)


def _gradient_of(student, f, x, what):
    """The student's numerical_gradient(f, x), with an IndexError on a matrix named."""
    try:
        return student.numerical_gradient(f, x)
    except StudentCodeError as exc:
        refuse_single_index(exc, x, what)
        raise


def _check(got, want, f, x, what):
    _name_the_mistake(got, want, f, x, what)
    expect_array(got, want, what, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("ndim", [2, 3])
def test_random_polynomial_on_an_array(student, reference, rng, ndim):
    """The gradient of a random polynomial at a random 2-D or 3-D x has x's shape and every partial derivative."""
    f, x = _random_polynomial(rng, tuple(rng.integers(2, 4, ndim)))
    what = _("numerical_gradient(f, x) for a random cubic and x of shape {shape}").format(shape=x.shape)
    _check(_gradient_of(student, f, x.copy(), what), reference.numerical_gradient(f, x.copy()), f, x, what)


def test_network_idiom_with_random_weights(student, reference, rng):
    """numerical_gradient(lambda w: net.loss(), net.W) on random weights: f sees x only through net.W."""
    n_in, n_out, batch = rng.integers(2, 5, 3)
    data = {
        "W": rng.normal(0, 1, (n_in, n_out)),
        "x": rng.normal(0, 1, (batch, n_in)),
        "t": np.eye(n_out)[rng.integers(0, n_out, batch)],
    }
    want = probes.attribute_idiom(reference, **data)
    got = student.run(probes.attribute_idiom, label="numerical_gradient", **data)
    refuse_copy(student, got, want, data["W"])
    what = _("numerical_gradient(lambda w: net.loss(), net.W) for W of shape {shape}").format(shape=want.shape)
    expect_array(got, want, what, rtol=1e-6, atol=1e-6)


def test_x_is_restored_bit_for_bit(student, rng):
    """After the call every element of a random x holds exactly its original value."""
    x = rng.normal(0, 3, tuple(rng.integers(2, 5, 2)))
    after = student.numerical_gradient.trace(Fn("sphere"), x.copy()).args[1]
    if not isinstance(after, np.ndarray) or after.shape != x.shape or after.dtype != x.dtype:
        fail(
            _("numerical_gradient(f, x) should leave x the same float array, it became {value}").format(
                value=fmt(after)
            )
        )
    if after.tobytes() != x.tobytes():
        index = tuple(int(i) for i in np.argwhere(after != x)[0])
        lowered = (
            _(" (every changed element is lowered by h)") if is_close(after[after != x], x[after != x] - H) else ""
        )
        fail(
            _(
                "numerical_gradient(f, x) did not restore x: {element} is {got} afterwards instead of {want}{lowered}; "
                "put each element back with x[idx] = tmp_val after the two evaluations"
            ).format(element=f"x{list(index)}", got=fmt(after[index]), want=fmt(x[index]), lowered=lowered)
        )


@pytest.mark.parametrize("shape", [(5,), (3, 2)], ids=["vector", "matrix"])
def test_integer_array(student, rng, shape):
    """A random int array gets either the right gradient as floats or a TypeError, never a truncated one."""
    x = rng.integers(1, 9, shape) * rng.choice([-1, 1], shape)
    what = _("numerical_gradient(Σx², an int array of shape {shape})").format(shape=shape)
    try:
        got = student.numerical_gradient(Fn("sphere"), x)
    except StudentCodeError as exc:
        if exc.raised(TypeError):  # by type: a message that merely mentions TypeError does not count
            return
        raise
    want = 2.0 * x
    if is_close(got, truncated_gradient(Fn("sphere"), x), rtol=1e-6) and not is_close(got, want, atol=1.0):
        fail(
            _(
                "{what} is wrong because of int truncation: an int array cannot hold x + h (3 + 1e-4 is stored "
                "as 3; the book's code gives [25000, 35000] for [3, 4]); raise a TypeError asking for x.astype(float) "
                "(expected {want}, got {got})"
            ).format(what=what, want=fmt(want), got=fmt(got))
        )
    expect_array(got, want, what, rtol=RTOL, atol=ATOL)


def test_gradient_of_a_function_it_cannot_see(student, reference, rng):
    """The gradient of a random function whose formula it cannot read, at a random 2-D x: only f's values reach it."""
    x = rng.uniform(-1.5, 1.5, tuple(rng.integers(2, 4, 2)))
    f = unseen_function(rng, x.shape)
    what = _("numerical_gradient(f, x) for a random function and x of shape {shape}").format(shape=x.shape)
    _check(student.numerical_gradient(f, x.copy()), reference.numerical_gradient(f, x.copy()), f, x, what)
