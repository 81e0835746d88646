"""Public checks for gradient_descent and gradient_ascent on f = x0² + x1², where every step is known exactly.

The gradient of x0² + x1² is 2x, so one step x − lr·2x multiplies x by (1 − 2·lr): after n steps from x the
result is (1 − 2·lr)ⁿ · x.
"""

import numpy as np
import pytest

from grader.testing import Fn, StudentCodeError, _, expect_array, fail, fmt, is_close, name_the_mistake, raised

from mistakes import refuse_uncopied_start

START = np.array([-3.0, 4.0])
TOP = np.array([1.0, -2.0])
HILL = Fn("dome", center=TOP, scale=np.array([2.0, 2.0]))  # −(x0 − 1)² − (x1 + 2)²: its top is TOP


def _after(lr, step_num, climb=False):
    """Where n steps of size lr from START end on x0² + x1² (climbing adds the gradient instead)."""
    return (1 + 2 * lr if climb else 1 - 2 * lr) ** step_num * START


def _name_the_mistake(got, lr, step_num, what, defaults=()):
    """Fail with the name of a classic mistake when the answer is what that mistake gives (DEFAULTS: other
    (lr, step_num) pairs a walk may have taken by default)."""
    if isinstance(got, tuple):
        fail(
            _(
                "{what} returned a tuple of {n} items, like the book's gradient_method (x, x_history): "
                "return only the final x"
            ).format(what=what, n=len(got))
        )
    mistakes = [
        (lambda: _after(lr, step_num, climb=True), _("it climbs: descent subtracts the gradient, x = x - lr * grad")),
        (lambda: _after(0.01, step_num), _("it ignores lr and steps with 0.01")),
        (lambda: _after(lr, 100), _("it ignores step_num and takes 100 steps")),
    ]
    mistakes += [
        (
            lambda a=a, n=n: _after(a, n),
            _("its defaults are lr={lr}, step_num={n}; they should be lr=0.01, step_num=100").format(lr=f"{a:g}", n=n),
        )
        for a, n in defaults
    ]
    # The mistakes end far apart; 1e-3 allows for the rounding that 100 steps of a numerical gradient gather.
    name_the_mistake(got, _after(lr, step_num), what, mistakes, rtol=1e-3, atol=1e-8)


@pytest.mark.parametrize(
    ("lr", "step_num"),
    [(0.1, 100), (0.25, 3), (1.0, 7)],
    ids=["book_example_converges", "three_steps_halve_x", "lr_1_flips_the_sign"],
)
def test_steps_follow_the_learning_rate(student, lr, step_num):
    """On x0² + x1² from (-3, 4), step_num steps of size lr end at (1 − 2·lr)^step_num · (-3, 4)."""
    what = f"gradient_descent(function_2, [-3., 4.], lr={lr:g}, step_num={step_num})"
    got = student.gradient_descent(Fn("sphere"), START.copy(), lr=lr, step_num=step_num)
    _name_the_mistake(got, lr, step_num, what)
    expect_array(got, _after(lr, step_num), what, atol=1e-6)


def test_init_x_is_left_untouched(student):
    """gradient_descent works on its own copy: the caller's init_x still holds the start afterwards."""
    init_x = START.copy()
    after = student.gradient_descent.trace(Fn("sphere"), init_x, 0.1, 10).args[1]
    if not is_close(after, START, rtol=0.0):
        fail(
            _(
                "gradient_descent changed the caller's init_x from {before} to {after}: "
                "start from your own copy, x = np.array(init_x, dtype=float)"
            ).format(before=fmt(START), after=fmt(after))
        )


def test_gradient_ascent_climbs_to_the_top(student):
    """gradient_ascent finds the maximum of −(x0 − 1)² − (x1 + 2)², at (1, −2), from [0, 0]."""
    what = "gradient_ascent(−(x0 − 1)² − (x1 + 2)², [0., 0.], lr=0.1, step_num=100)"
    try:
        got = student.gradient_ascent(HILL, [0.0, 0.0], lr=0.1, step_num=100)
    except StudentCodeError as exc:
        refuse_uncopied_start(exc, [0.0, 0.0], what)
        raise
    descended = TOP - TOP * 1.2**100  # each step x − 0.1·(−2)(x − top) moves away from the top by 1.2
    descends = _("it descends: ascent adds the gradient, x = x + lr * grad")
    name_the_mistake(got, TOP, what, [(lambda: descended, descends)], rtol=1e-3, atol=1e-8)
    expect_array(got, TOP, what, atol=1e-6)


def test_defaults_are_the_books(student):
    """Without lr and step_num, gradient_descent and gradient_ascent take the book's lr=0.01 and step_num=100."""
    what = "gradient_descent(function_2, [-3., 4.])"
    try:
        got = student.gradient_descent(Fn("sphere"), START.copy())
    except StudentCodeError as exc:
        if raised(exc, "TypeError"):
            fail(
                _(
                    "{what} without lr and step_num failed: give them the book's defaults, "
                    "def gradient_descent(f, init_x, lr=0.01, step_num=100) ({error})"
                ).format(what=what, error=exc)
            )
        raise
    _name_the_mistake(got, 0.01, 100, what, defaults=[(a, n) for a in (0.1, 0.001, 0.05) for n in (100, 1000, 10)])
    expect_array(got, _after(0.01, 100), what, atol=1e-6)
    what = "gradient_ascent(−(x0 − 1)² − (x1 + 2)², [0., 0.])"
    expect_array(student.gradient_ascent(HILL, np.zeros(2)), TOP - TOP * 0.98**100, what, atol=1e-6)
