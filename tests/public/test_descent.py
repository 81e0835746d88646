"""Public checks for gradient_descent and gradient_ascent on f = x0² + x1², where every step is known exactly.

The gradient of x0² + x1² is 2x, so one step x − lr·2x multiplies x by (1 − 2·lr): after n steps from x the
result is (1 − 2·lr)ⁿ · x.
"""

import numpy as np
import pytest

from grader.testing import Fn, _, expect_array, fail, fmt, is_close

START = np.array([-3.0, 4.0])


def _after(lr, step_num, climb=False):
    """Where n steps of size lr from START end on x0² + x1² (climbing adds the gradient instead)."""
    return (1 + 2 * lr if climb else 1 - 2 * lr) ** step_num * START


def _name_the_mistake(got, lr, step_num, what):
    """Fail with the name of a classic mistake when the answer is what that mistake gives."""
    if isinstance(got, tuple):
        fail(
            _(
                "{what} returned a tuple of {n} items, like the book's gradient_method (x, x_history): "
                "return only the final x"
            ).format(what=what, n=len(got))
        )
    want = _after(lr, step_num)
    if is_close(got, want, rtol=1e-6, atol=1e-8):
        return
    # The mistakes end far apart; 1e-3 allows for the rounding that 100 steps of a numerical gradient gather.
    mistakes = [
        (_after(lr, step_num, climb=True), _("it climbs: a step subtracts the gradient, x = x - lr * grad")),
        (_after(0.01, step_num), _("it ignores lr and always steps with 0.01: use the lr argument")),
        (_after(lr, 100), _("it ignores step_num and always takes 100 steps: loop range(step_num) times")),
    ]
    for value, mistake in mistakes:
        if is_close(got, value, rtol=1e-3, atol=1e-8):
            fail(
                _("{what} gave {got} instead of {want}: {mistake}").format(
                    what=what, got=fmt(got), want=fmt(want), mistake=mistake
                )
            )


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
    top = np.array([1.0, -2.0])
    hill = Fn("dome", center=top, scale=np.array([2.0, 2.0]))
    what = "gradient_ascent(−(x0 − 1)² − (x1 + 2)², [0., 0.], lr=0.1, step_num=100)"
    got = student.gradient_ascent(hill, [0.0, 0.0], lr=0.1, step_num=100)
    if isinstance(got, np.ndarray) and got.shape == top.shape and np.linalg.norm(got - top) > 2.5:
        fail(
            _("{what} went to {got}, away from the top {top}: ascent adds the gradient, x = x + lr * grad").format(
                what=what, got=fmt(got), top=fmt(top)
            )
        )
    expect_array(got, top, what, atol=1e-6)
