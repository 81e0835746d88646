"""What the suites of chapter 4 hand to student code: probe functions, a scenario and a small data set.

course.yaml names this module (`probes:`); the grader loads it on both sides: the worker builds the probe
functions by name for the student's functions, the grader calls them with the reference, so both see the same
function. Suites import it as `probes`. None of them solves an exercise. It runs in the worker too, so it imports
numpy and grader.sandboxed.probes only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.sandboxed.probes import Probe  # the worker loads this module too: nothing of the trusted side


def square(x):
    return x**2


def cube(x):
    return x**3


def book_function_1(x):
    """The book's first example: 0.01·x² + 0.1·x."""
    return 0.01 * x**2 + 0.1 * x


def sine(x):
    return np.sin(x)


def sphere(x):
    """The book's function_2, for any shape: the sum of the squares of all elements."""
    return np.sum(np.asarray(x) ** 2)


def polynomial(x, a, b, c):
    """Σ a·x + b·x² + c·x³ over all elements, with coefficients the suite draws."""
    x = np.asarray(x)
    return np.sum(a * x + b * x**2 + c * x**3)


def bowl(x, center, scale):
    """A convex bowl ½ Σ scale·(x − center)² with its minimum at `center`."""
    return 0.5 * np.sum(np.asarray(scale) * (np.asarray(x) - center) ** 2)


def dome(x, center, scale):
    """The bowl upside down: its maximum is at `center`."""
    return -bowl(x, center, scale)


def _sphere_gradient(x):
    return 2.0 * x


def _polynomial_gradient(x, a, b, c):
    return a + 2 * b * x + 3 * c * x**2


def _bowl_gradient(x, center, scale):
    return np.asarray(scale) * (x - center)


def _dome_gradient(x, center, scale):
    return -_bowl_gradient(x, center, scale)


# The exact gradients of the probe functions that have one, by name (see exact_gradient).
GRADIENTS: dict[str, Callable[..., Any]] = {
    "sphere": _sphere_gradient,
    "polynomial": _polynomial_gradient,
    "bowl": _bowl_gradient,
    "dome": _dome_gradient,
}

FUNCTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (square, cube, book_function_1, sine, sphere, polynomial, bowl, dome)
}


def shortcut(function: str, args: tuple) -> np.ndarray | None:
    """The answer to a dependency call `numerical_gradient(f, x)` when f is a probe whose gradient is known and
    x a float array: exact, so the worker need not ask the grader (one round trip per descent step saved)."""
    if function != "numerical_gradient" or len(args) != 2:
        return None
    f, x = args
    if type(f) is not Probe or f.name not in GRADIENTS or type(x) is not np.ndarray or x.dtype.kind != "f":
        return None
    gradient = GRADIENTS[f.name](x.astype(float), **dict(f.params))
    return np.broadcast_to(gradient, x.shape).astype(float)


class _WeightHolder:
    """Plays the network in the book's idiom: its loss reads self.W, never its argument."""

    def __init__(self, W: np.ndarray, x: np.ndarray, t: np.ndarray) -> None:
        self.W, self.x, self.t = W, x, t

    def loss(self) -> float:
        return float(np.sum((self.x @ self.W - self.t) ** 2))


def attribute_idiom(module, W, x, t):
    """numerical_gradient(lambda w: net.loss(), net.W): f sees x only through the holder's attribute."""
    holder = _WeightHolder(np.array(W, dtype=float), x, t)
    return module.numerical_gradient(lambda w: holder.loss(), holder.W)


SCENARIOS: dict[str, Callable[..., Any]] = {attribute_idiom.__name__: attribute_idiom}


def blobs(rng: np.random.Generator, n: int = 60, classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A small synthetic data set, made here so that nothing is downloaded: Gaussian blobs in the plane and
    their one-hot targets (the networks' suites and `grade plot training` train on it)."""
    centers = rng.normal(scale=3.0, size=(classes, 2))
    labels = rng.integers(0, classes, size=n)
    return centers[labels] + rng.normal(scale=0.6, size=(n, 2)), np.eye(classes)[labels]
