"""Hidden checks for gradient_descent and gradient_ascent: the learning-rate cases of the German source text
on x0² + x1², and random bowls and domes compared with the reference."""

import numpy as np
import pytest

from grader.testing import Fn, StudentCodeError, Unseen, _, expect_array, fail, fmt, is_close, name_the_mistake

import probes
from mistakes import refuse_uncopied_start

START = np.array([-3.0, 4.0])
RTOL, ATOL = 1e-6, 1e-9


def _walk(reference, f, init_x, lr, step_num, ascent=False):
    """The reference's walk: ascent or descent."""
    walk = reference.gradient_ascent if ascent else reference.gradient_descent
    return walk(f, init_x, lr=lr, step_num=step_num)


def _name_the_mistake(got, reference, f, init_x, lr, step_num, what, ascent=False):
    """Fail with the name of a classic mistake when the answer is what that mistake gives."""
    if isinstance(got, tuple):
        fail(
            _(
                "{what} returned a tuple of {n} items, like the book's gradient_method (x, x_history): "
                "return only the final x"
            ).format(what=what, n=len(got))
        )
    want = _walk(reference, f, init_x, lr, step_num, ascent)
    if is_close(got, want, RTOL, ATOL):
        return
    wrong_way = (
        _("it descends: ascent adds the gradient, x = x + lr * grad")
        if ascent
        else _("it climbs: descent subtracts the gradient, x = x - lr * grad")
    )
    mistakes = [
        (lambda: _walk(reference, f, init_x, lr, step_num, not ascent), wrong_way),
        (lambda: _walk(reference, f, init_x, 0.01, step_num, ascent), _("it ignores lr and steps with 0.01")),
        (lambda: _walk(reference, f, init_x, lr, 100, ascent), _("it ignores step_num and takes 100 steps")),
    ]
    name_the_mistake(got, want, what, mistakes, RTOL, ATOL)


def _sphere_walk(student, reference, lr, step_num):
    """gradient_descent on the book's function_2 from (-3, 4), with the classic mistakes named."""
    what = f"gradient_descent(function_2, [-3., 4.], lr={lr:g}, step_num={step_num})"
    got = student.gradient_descent(Fn("sphere"), START.copy(), lr=lr, step_num=step_num)
    _name_the_mistake(got, reference, Fn("sphere"), START, lr, step_num, what)
    if not isinstance(got, np.ndarray) or got.shape != START.shape or got.dtype.kind != "f":
        fail(
            _("{what} should return the final x as a float numpy array of shape (2,), got {got}").format(
                what=what, got=fmt(got)
            )
        )
    return got, what


def test_too_large_learning_rate_diverges(student, reference):
    """With lr = 10 on x0² + x1² every step overshoots further: x ends far out (|x| > 1e10), as in the source."""
    got, what = _sphere_walk(student, reference, 10.0, 100)
    if not np.linalg.norm(got) > 1e10:
        fail(
            _("{what} should diverge (|x| > 1e10, about [-2.6e13, -1.3e12]), got {got}").format(what=what, got=fmt(got))
        )


def test_too_small_learning_rate_barely_moves(student, reference):
    """With lr = 1e-10 x barely moves: it stays within 1e-6 of the start (-3, 4)."""
    got, what = _sphere_walk(student, reference, 1e-10, 100)
    expect_array(got, START, _("{what} should barely move").format(what=what), atol=1e-6)


def test_good_learning_rate_converges(student, reference):
    """With lr = 0.1, 100 steps reach the minimum (0, 0) to 1e-6."""
    got, what = _sphere_walk(student, reference, 0.1, 100)
    if not np.linalg.norm(got) < 1e-6:
        fail(_("{what} should reach the minimum (0, 0) to within 1e-6, got {got}").format(what=what, got=fmt(got)))


def test_learning_rate_one_oscillates(student, reference):
    """With lr = 1 each step flips the sign: (-3, 4) after 100 steps, (3, -4) after 101."""
    for step_num, want in ((100, START), (101, -START)):
        got, what = _sphere_walk(student, reference, 1.0, step_num)
        expect_array(got, want, what, atol=1e-9)


def _random_walk(rng, shape):
    """A random center and scale for ½·Σ scale·(x − center)², and an lr and step_num for which the steps contract
    (0 < lr·scale ≤ 0.3) without reaching the center, so that lr and step_num both show in the result."""
    center, scale = rng.uniform(-2, 2, shape), rng.uniform(0.5, 2, shape)
    return center, scale, float(rng.uniform(0.02, 0.15)), int(rng.integers(5, 30))


def _same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _check_walk(student, reference, rng, init_x, ascent=False):
    """Walk a random bowl (or dome) from init_x; compare with the reference and check init_x is untouched."""
    center, scale, lr, step_num = _random_walk(rng, np.shape(init_x))
    f = Fn("dome" if ascent else "bowl", center=center, scale=scale)
    name = "gradient_ascent" if ascent else "gradient_descent"
    start = fmt(init_x) if np.ndim(init_x) == 1 else _("a start of shape {shape}").format(shape=np.shape(init_x))
    call_text = f"{name}(f, {start}, lr={lr:.4g}, step_num={step_num})"
    what = (_("{call} for a random dome") if ascent else _("{call} for a random bowl")).format(call=call_text)
    before = init_x.copy()
    call = student.gradient_ascent if ascent else student.gradient_descent
    try:
        trace = call.trace(f, init_x, lr, step_num)
    except StudentCodeError as exc:
        refuse_uncopied_start(exc, before, what)
        raise
    after = trace.args[1]
    if type(after) is not type(before) or (
        after != before if isinstance(before, list) else not _same_bits(after, before)
    ):
        fail(
            _(
                "{name} changed the caller's init_x ({before} became {after}): "
                "start from your own copy, x = np.array(init_x, dtype=float)"
            ).format(name=name, before=start, after=fmt(np.ravel(after)))
        )
    _name_the_mistake(trace.value, reference, f, before, lr, step_num, what, ascent)
    expect_array(trace.value, _walk(reference, f, before, lr, step_num, ascent), what, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", ["float_array", "int_array", "list"])
def test_init_x_is_left_untouched(student, reference, rng, kind):
    """gradient_descent returns a new float array and leaves init_x as it was (a float or int array, or a list)."""
    start = np.round(rng.uniform(-3, 3, 3), 3)
    init_x = {"float_array": start, "int_array": np.rint(start).astype(int), "list": start.tolist()}[kind]
    _check_walk(student, reference, rng, init_x)


@pytest.mark.parametrize("shape", [(4,), (2, 3)], ids=["vector", "matrix"])
def test_random_bowl_matches_the_reference(student, reference, rng, shape):
    """step_num steps of size lr on a random bowl end where the reference's do (lr and step_num are honoured)."""
    _check_walk(student, reference, rng, np.round(rng.uniform(-3, 3, shape), 3))


def test_gradient_ascent_on_a_random_dome(student, reference, rng):
    """gradient_ascent climbs a random dome like the reference and leaves init_x as it was."""
    _check_walk(student, reference, rng, np.round(rng.uniform(-3, 3, 3), 3), ascent=True)


def test_descent_on_a_function_it_cannot_see(student, reference, rng):
    """gradient_descent on a random bowl whose formula it cannot read ends where the reference's walk does."""
    center, scale, lr, step_num = _random_walk(rng, (3,))
    f = Unseen(lambda x: probes.bowl(x, center, scale))
    init_x = np.round(rng.uniform(-3, 3, 3), 3)
    what = f"gradient_descent(f, {fmt(init_x)}, lr={lr:.4g}, step_num={step_num})"
    got = student.gradient_descent(f, init_x.copy(), lr=lr, step_num=step_num)
    _name_the_mistake(got, reference, f, init_x, lr, step_num, what)
    expect_array(got, _walk(reference, f, init_x, lr, step_num), what, rtol=RTOL, atol=ATOL)
