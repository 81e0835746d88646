"""Hidden checks for numerical_diff and tangent_line: random functions and points, compared with the reference."""

import numpy as np
import pytest

from grader.testing import Fn, _, expect_array, expect_number, fail, fmt, is_close, name_the_mistake, unseen_function

from mistakes import difference_mistakes, tangent_mistakes

H = 1e-4


def _cubic(rng):
    """a·x + b·x² + c·x³ with b large enough that f'' ≥ 4 on [-1, 1]: a forward difference is off by ≥ 2e-4."""
    a, b, c = float(rng.uniform(-2, 2)), float(rng.uniform(5, 10) * rng.choice([-1, 1])), float(rng.uniform(-1, 1))
    name = f"{a:.3g}x {'-' if b < 0 else '+'} {abs(b):.3g}x² {'-' if c < 0 else '+'} {abs(c):.3g}x³"
    return Fn("polynomial", a=a, b=b, c=c), name, rng.uniform(-1, 1, 4)


def _steep_parabola(rng):
    """b·x² with |b| in [1000, 5000]: f'' is huge, so a forward difference is off by h·|b| ≥ 0.1."""
    b = float(rng.uniform(1000, 5000) * rng.choice([-1, 1]))
    return Fn("polynomial", a=0.0, b=b, c=0.0), f"{b:.5g}x²", rng.uniform(-3, 3, 4)


def _sine(rng):
    return Fn("sine"), "sin(x)", rng.uniform(-3, 3, 4)


# (make the function and points, relative tolerance, absolute tolerance): every h in 1e-6..1e-3 passes.
CASES = {
    "random_cubic": (_cubic, 1e-6, 1e-5),
    "steep_parabola": (_steep_parabola, 1e-7, 1e-4),
    "sine": (_sine, 1e-6, 1e-6),
}


def _name_the_mistake(got, f, x, want, what, rtol, atol):
    """Fail with the name of a classic mistake when the answer is what that mistake gives."""
    if not is_close(got, want, rtol, atol):
        name_the_mistake(got, want, what, difference_mistakes(f, float(x)))


@pytest.mark.parametrize("case", list(CASES))
def test_numerical_diff_at_random_points(student, reference, rng, case):
    """numerical_diff matches the central difference at random points of a random function."""
    make, rtol, atol = CASES[case]
    f, name, points = make(rng)
    for x in points:
        what = _("numerical_diff(f, {x}) for f(x) = {f}").format(x=f"{x:.6g}", f=name)
        got = student.numerical_diff(f, float(x))
        want = reference.numerical_diff(f, float(x))
        _name_the_mistake(got, f, x, want, what, rtol, atol)
        expect_number(got, want, what, rtol=rtol, atol=atol)


def _tangent_case(student, reference, rng):
    """The student's and the reference's tangent lines of a random cubic at a random x away from 0."""
    f, name = _cubic(rng)[:2]
    x = float(rng.uniform(0.5, 1.0) * rng.choice([-1, 1]))
    line = student.tangent_line(f, x)
    if not callable(line):
        fail(_("tangent_line(f, {x}) should return a function of t, got {value}").format(x=f"{x:.6g}", value=fmt(line)))
    what = _("tangent_line(f, {x}) for f(x) = {f}").format(x=f"{x:.6g}", f=name)
    # f and the student's own slope at x name the mistake of a wrong line (asked only then: see _name_unshifted)
    return line, reference.tangent_line(f, x), what, x, lambda: (f, student.numerical_diff(f, x))


def _name_unshifted(got, ref_line, x, t, what, slope_of):
    """A wrong line: t ↦ f(x) + d·t (without − x), or one whose slope comes from a wrong numerical_diff."""
    want = ref_line(t)
    if not is_close(got, want, rtol=1e-6, atol=5e-5):
        f, slope = slope_of()
        mistakes = tangent_mistakes(f, x, slope, ref_line(x + 1.0) - ref_line(x), t)
        name_the_mistake(got, want, what, mistakes, rtol=1e-6, atol=1e-6)


def test_tangent_line_at_a_random_point(student, reference, rng):
    """The tangent of a random cubic at a random x touches the curve at x and follows its slope."""
    line, ref_line, what, x, slope_of = _tangent_case(student, reference, rng)
    for t in [x, *(x + rng.uniform(1, 2, 3) * rng.choice([-1, 1], 3))]:
        got = line(float(t))
        at = _("{what} at t = {t}").format(what=what, t=f"{t:.6g}")
        _name_unshifted(got, ref_line, x, t, at, slope_of)
        expect_number(got, ref_line(float(t)), at, rtol=1e-6, atol=5e-5)


def test_tangent_line_on_an_array(student, reference, rng):
    """The tangent line of a random cubic evaluates a whole numpy array of t values at once."""
    line, ref_line, what, x, slope_of = _tangent_case(student, reference, rng)
    t = np.sort(x + rng.uniform(-2, 2, 5))
    got = line(t)
    on = _("{what} on t = {t}").format(what=what, t=fmt(t))
    _name_unshifted(got, ref_line, x, t, on, slope_of)
    expect_array(got, ref_line(t), on, rtol=1e-6, atol=5e-5)


def test_numerical_diff_of_a_function_it_cannot_see(student, reference, rng):
    """numerical_diff differences a random function whose formula it cannot read: only f's values reach it."""
    f = unseen_function(rng)
    for x in rng.uniform(-1, 1, 3):
        what = _("numerical_diff(f, {x}) for a random function").format(x=f"{x:.6g}")
        got = student.numerical_diff(f, float(x))
        want = reference.numerical_diff(f, float(x))
        _name_the_mistake(got, f, x, want, what, 1e-6, 1e-5)
        expect_number(got, want, what, rtol=1e-6, atol=1e-5)
