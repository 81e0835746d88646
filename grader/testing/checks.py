"""What the suites use: probe functions both sides can call, and checks whose failures read as one
plain sentence (type, then shape, then dtype, then values, as PrairieLearn's checks report them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core.i18n import _
from grader.sandboxed.probes import Probe


class Mismatch(AssertionError):
    """The student's answer is wrong; the message is the sentence the student reads."""


def Fn(name: str, **params: Any) -> Probe:
    """A probe function of grader.sandboxed.probes with its parameters: sent to student code by name, callable here."""
    return Probe(name, tuple(sorted(params.items())))


def fail(message: str) -> None:
    raise Mismatch(message)


def fmt(value: Any) -> str:
    """A short rendering of a value for a message."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=12, edgeitems=3, linewidth=10_000):
            return " ".join(np.array2string(value, separator=", ").split())  # one line: messages are one line
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.10g}"
    text = repr(value)
    return text if len(text) <= 120 else text[:120] + " …"


def as_number(value: Any) -> float | None:
    """The value as a float if it is a real number (Python, numpy scalar or 0-d array), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        return float(value)
    return None


def is_close(got: Any, want: Any, rtol: float = 1e-7, atol: float = 0.0) -> bool:
    """True when got is numeric data of want's shape and within the tolerances (never raises)."""
    try:
        got_array, want_array = np.asarray(got), np.asarray(want)
        if got_array.dtype.kind not in "biuf" or got_array.shape != want_array.shape:
            return False
        return bool(np.allclose(got_array, want_array, rtol=rtol, atol=atol, equal_nan=False))
    except (TypeError, ValueError):
        return False


def expect_number(got: Any, want: float, what: str, rtol: float = 1e-7, atol: float = 0.0) -> float:
    """Check a scalar answer; returns it as a float."""
    number = as_number(got)
    if number is None:
        fail(_("{what}: expected a number, got {type} {value}").format(what=what, type=_type_name(got), value=fmt(got)))
    if np.isnan(number):
        fail(_("{what}: expected {want}, got nan").format(what=what, want=fmt(want)))
    if not np.isclose(number, want, rtol=rtol, atol=atol):
        fail(
            _("{what}: expected {want}{tolerance}, got {got}").format(
                what=what, want=fmt(want), tolerance=_tolerance(rtol, atol), got=fmt(number)
            )
        )
    return number


def expect_array(
    got: Any, want: np.ndarray, what: str, rtol: float = 1e-7, atol: float = 0.0, float_dtype: bool = True
) -> np.ndarray:
    """Check an array answer: a numpy array, then its shape, then a float dtype, then its values."""
    want = np.asarray(want)
    if not isinstance(got, np.ndarray):
        fail(
            _("{what}: expected a numpy array of shape {shape}, got {type} {value}").format(
                what=what, shape=want.shape, type=_type_name(got), value=fmt(got)
            )
        )
    if got.shape != want.shape:
        fail(_("{what}: expected shape {want}, got {got}").format(what=what, want=want.shape, got=got.shape))
    if got.dtype.kind not in ("f" if float_dtype else "biuf"):
        fail(
            _("{what}: expected an array of floats, got dtype {dtype} ({value})").format(
                what=what, dtype=got.dtype, value=fmt(got)
            )
        )
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = _(" at index {index}").format(index=index) if got.ndim else ""
        fail(
            _(
                "{what}: expected {want}{tolerance}, got {got} (first difference{where}: {value} instead of {expected})"
            ).format(
                what=what,
                want=fmt(want),
                tolerance=_tolerance(rtol, atol),
                got=fmt(got),
                where=where,
                value=fmt(got[index]),
                expected=fmt(want[index]),
            )
        )
    return got


def _tolerance(rtol: float, atol: float) -> str:
    parts = [
        _("relative {rtol}").format(rtol=f"{rtol:g}") if rtol else "",
        _("absolute {atol}").format(atol=f"{atol:g}") if atol else "",
    ]
    return _(" (within {tolerances})").format(tolerances=" / ".join(p for p in parts if p)) if rtol or atol else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    return _("a {type}").format(type=getattr(value, "kind", None) or type(value).__name__)


class Unseen:
    """A function student code may call but neither read nor recognise: it travels as an opaque handle, and every
    value it gives student code is computed here, in the grader (grader.grading.remote). Student code that is meant
    to evaluate it (a numerical derivative, say) cannot know what to return for it without calling it."""

    opaque = True

    def __init__(self, function: Any, name: str = "f") -> None:
        self._function, self.name = function, name

    def __call__(self, x: Any) -> Any:
        return self._function(x)

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def unseen_function(rng: np.random.Generator, shape: tuple[int, ...] = ()) -> Unseen:
    """A random smooth function of an array of SHAPE (a scalar when SHAPE is ()), its form drawn too:
    Σ a·sin(b·x) + c·x² + d·x³ + e·(Σx)² with coefficients per element, curved enough that a forward difference
    shows, and coupled (the last term) so that an element left unrestored changes every later partial derivative."""
    a, b = rng.uniform(0.5, 2, shape), rng.uniform(0.5, 2, shape)
    c, d = rng.uniform(4, 8, shape) * rng.choice([-1, 1], shape), rng.uniform(-1, 1, shape)
    e = float(rng.uniform(0.5, 1.5))

    def f(point: Any) -> Any:
        x = np.asarray(point, dtype=float)
        return np.sum(a * np.sin(b * x) + c * x**2 + d * x**3) + e * np.sum(x) ** 2

    return Unseen(f)
