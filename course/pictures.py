"""The pictures of chapter 4 (course.yaml `pictures:`): gradient descent paths on a contour plot, and a training
loss curve, of a student's own code.

The traces come from any callables with the book's signatures: proxies that run a submission in the worker (see
grader.tools.pictures; a notebook's picture cell runs `grade plot` too), or the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.core.errors import GradingError
from grader.testing import Probe, _, ngettext
from grader.tools.plotting import Picture, describe, drawable, new_figure

from probes import blobs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

START = (-3.0, 4.0)  # the German source text's start for f(x0, x1) = x0² + x1²
LEARNING_RATES = (0.1, 10.0, 1e-10)  # the source text's three cases: converges, diverges, barely moves
STEPS = 100
VIEW = 5.0  # the contour plot shows [-VIEW, VIEW]²
# The suites' small data set (tests/public/test_networks.py) and its training run, with more steps for a curve.
DATA_SEED, DATA_POINTS, DATA_CLASSES = 4, 40, 2
NETWORK = {"input_size": 2, "hidden_size": 3, "output_size": 2, "weight_init_std": 0.5}
TRAINING = {"iters_num": 60, "batch_size": 10, "learning_rate": 2.0, "seed": 4}


@dataclass
class DescentTrace:
    """The points a descent with one learning rate went through, and whether one long run agrees with them."""

    lr: float
    points: np.ndarray  # (n + 1, 2): the start, then the point after each step
    agrees: bool = True  # False when step_num=STEPS at once ends elsewhere than STEPS single steps

    @property
    def behaviour(self) -> str:
        start, norms = np.linalg.norm(self.points[0]), np.linalg.norm(self.points, axis=1)
        if not np.all(np.isfinite(norms)):
            return _("reached nan or inf")
        if norms.max() > 10 * start:
            return _("diverged")
        if np.linalg.norm(self.points[-1] - self.points[0]) < 1e-3 * start:
            return _("barely moved")
        if norms[-1] < 1e-3 * start:
            return _("converged")
        return ""


def descent_trace(gradient_descent: Callable, lr: float, steps: int = STEPS) -> DescentTrace:
    """Follow GRADIENT_DESCENT on x0² + x1² from START, one step_num=1 call from each point to the next.

    N single steps cost N short calls (step_num = 1, 2, … would replay N²/2 steps); each call gets a fresh copy,
    so a function that changes its init_x cannot bend the path. One call with step_num=STEPS then tells whether
    the function really takes step_num steps (one that ignores it walks elsewhere step by step).
    """
    sphere = Probe("sphere")
    x = np.array(START)
    points = [x]
    while len(points) <= steps and np.all(np.isfinite(x)):
        x = _point(gradient_descent(sphere, x.copy(), lr=lr, step_num=1), lr, 1)
        points.append(x)
    agrees = True
    if len(points) == steps + 1 and np.all(np.isfinite(x)):
        whole = _point(gradient_descent(sphere, np.array(START), lr=lr, step_num=steps), lr, steps)
        agrees = bool(np.allclose(whole, x, rtol=1e-6, atol=1e-12))
    return DescentTrace(lr, np.array(points), agrees)


def _point(value: Any, lr: float, steps: int) -> np.ndarray:
    """gradient_descent's answer as a point of the plane, or a GradingError naming what came back instead."""
    try:
        point = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        point = None
    if point is None or point.shape != (2,):
        raise GradingError(
            _("gradient_descent(f, x, lr={lr}, step_num={steps}) returned {what}, not an array of two numbers").format(
                lr=f"{lr:g}", steps=steps, what=describe(value)
            )
        )
    return point


def training_losses(two_layer_net: Callable, train: Callable) -> list[float]:
    """The loss after every step of TRAIN on the suites' blobs, for a TWO_LAYER_NET of the suites' size."""
    x, t = blobs(np.random.default_rng(DATA_SEED), DATA_POINTS, DATA_CLASSES)
    losses = train(two_layer_net(**NETWORK), x, t, **TRAINING)
    try:
        values = [float(v) for v in losses]
    except (TypeError, ValueError):
        values = []
    if len(values) != TRAINING["iters_num"]:
        raise GradingError(
            _("train(..., iters_num={n}) returned {what}, not a list of {n} losses").format(
                n=TRAINING["iters_num"], what=describe(losses)
            )
        )
    return values


@drawable
def draw_descent(traces: Sequence[DescentTrace], reference: Sequence[DescentTrace] = ()) -> Figure:
    """Left, the paths on the contour plot of x0² + x1², clipped to the view; right, each path's distance to the
    minimum after every step, on a log scale, where a diverging path stays in the picture. The reference is
    dashed black over the student's lines."""
    figure, (plane, distance) = new_figure(figsize=(13, 6.2), columns=2, widths=(1, 1.15))
    grid = np.linspace(-VIEW, VIEW, 201)
    x0, x1 = np.meshgrid(grid, grid)
    levels = [r**2 for r in (0.5, 1, 2, 3, 4, 5, 6, 7)]
    contours = plane.contour(x0, x1, x0**2 + x1**2, levels=levels, colors="0.8", linewidths=0.8, zorder=0)
    plane.clabel(contours, fontsize=7, fmt="%g")
    plane.plot(*START, "o", color="0.2", markersize=9, zorder=1, label=_("start {point}").format(point="(-3, 4)"))
    plane.plot(0, 0, "*", color="0.2", markersize=11, zorder=1, label=_("minimum (0, 0)"))
    exits: dict[tuple, tuple] = {}  # where paths leave the view: one label for all that leave at one place
    for index, trace in enumerate(traces):
        color = f"C{index % 10}"
        shown, left = _clip(trace.points)
        notes = [n for n in (trace.behaviour, "" if trace.agrees else _("ignores step_num?")) if n]
        label = f"lr = {trace.lr:g}" + (f" ({', '.join(notes)})" if notes else "")
        plane.plot(shown[:, 0], shown[:, 1], "-", color=color, linewidth=2, alpha=0.85, label=label)
        plane.plot(shown[:-1, 0], shown[:-1, 1], "o", color=color, markersize=3)
        if left:
            exits.setdefault(tuple(np.round(shown[-1], 2)), (shown[-2], color, []))[2].append(trace.lr)
        else:
            plane.plot(*shown[-1], "D", color=color, markeredgecolor="k", markersize=6, zorder=3)
        steps = np.arange(len(trace.points))
        distance.plot(steps, np.linalg.norm(trace.points, axis=1), "-", color=color, linewidth=2.2, label=label)
    for edge, (before, color, lrs) in exits.items():
        plane.annotate(
            ngettext("lr = {lrs} leaves the view", "lr = {lrs} leave the view", len(lrs)).format(
                lrs=", ".join(f"{lr:g}" for lr in lrs)
            ),
            xy=edge,
            xytext=_beside(before, np.array(edge)),
            textcoords="offset points",
            color=color if len(lrs) == 1 else "0.2",
            fontsize=8,
            ha="center",
            arrowprops={"arrowstyle": "-|>", "color": color if len(lrs) == 1 else "0.2"},
        )
    for index, trace in enumerate(reference):
        label = _("reference") if index == 0 else None
        shown, _left = _clip(trace.points)
        plane.plot(shown[:, 0], shown[:, 1], "--", color="k", linewidth=0.8, dashes=(2, 3), zorder=4, label=label)
        norms = np.linalg.norm(trace.points, axis=1)
        distance.plot(
            np.arange(len(norms)), norms, "--", color="k", linewidth=0.8, dashes=(2, 3), zorder=4, label=label
        )
    plane.set_xlim(-VIEW, VIEW)
    plane.set_ylim(-VIEW, VIEW)
    plane.set_aspect("equal")
    plane.set_xlabel("x0")
    plane.set_ylabel("x1")
    plane.set_title(_("Paths on the contours of f(x0, x1) = x0² + x1²"))
    plane.legend(loc="lower left", fontsize=8, framealpha=0.9)
    distance.set_yscale("log")
    distance.set_xlabel(_("step"))
    distance.set_ylabel(_("distance to the minimum, |x|"))
    distance.set_title(_("Distance to the minimum after each step"))
    distance.grid(alpha=0.3, which="both")
    distance.legend(fontsize=8)
    figure.suptitle(_("Gradient descent from (-3, 4), {steps} steps").format(steps=STEPS))
    return figure


def _beside(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """Where, in points from Q, a label sits clear of the segment p -> q: back along it and off to its side."""
    d = (q - p) / (np.linalg.norm(q - p) or 1.0)
    side = np.array([-d[1], d[0]]) * (1 if d[0] * d[1] <= 0 else -1)
    offset = -45 * d + 30 * side
    return float(offset[0]), float(offset[1])


def _clip(points: np.ndarray) -> tuple[np.ndarray, bool]:
    """The path up to where it first leaves the view, ending on the view's edge (True), or up to its last finite
    point (False)."""
    inside = np.all(np.isfinite(points), axis=1) & (np.abs(points).max(axis=1, initial=0) <= VIEW)
    if inside.all():
        return points, False
    first = int(np.argmin(inside))
    p, q = points[max(first - 1, 0)], points[first]
    if first == 0 or not np.all(np.isfinite(q)):
        return points[: max(first, 1)], False
    with np.errstate(divide="ignore", invalid="ignore"):
        # How far along p -> q each bound is crossed; the first crossing is where the path leaves the view.
        t = np.where(np.abs(q) > VIEW, (np.sign(q) * VIEW - p) / (q - p), np.inf)
    edge = p + float(np.min(t)) * (q - p)
    return np.vstack([points[:first], edge]), True


@drawable
def draw_training(losses: Sequence[float], reference: Sequence[float] = ()) -> Figure:
    """The loss after each training step; the reference's dashed beside it."""
    figure, axes = new_figure(figsize=(7.5, 4.5))
    steps = np.arange(1, len(losses) + 1)
    axes.plot(steps, losses, "-o", color="C0", markersize=3, label=_("your TwoLayerNet"))
    if len(reference):
        axes.plot(np.arange(1, len(reference) + 1), reference, "--", color="C1", label=_("reference"))
    axes.set_xlabel(_("training step"))
    axes.set_ylabel(_("loss on the mini-batch"))
    axes.set_title(
        _("Training TwoLayerNet{sizes} on {n} points in {k} blobs (lr = {lr:g}, batch {batch})").format(
            sizes=(NETWORK["input_size"], NETWORK["hidden_size"], NETWORK["output_size"]),
            n=DATA_POINTS,
            k=DATA_CLASSES,
            lr=TRAINING["learning_rate"],
            batch=TRAINING["batch_size"],
        )
    )
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend()
    return figure


def plot_descent(student: Any, reference: Any, lrs: Sequence[float]) -> Figure:
    """`grade plot descent`: the student's gradient_descent, one path per learning rate, the reference's dashed."""
    return draw_descent(
        [descent_trace(student.gradient_descent, lr) for lr in lrs],
        [descent_trace(reference.gradient_descent, lr) for lr in lrs] if reference else (),
    )


def plot_training(student: Any, reference: Any, lrs: Sequence[float]) -> Figure:
    """`grade plot training`: the loss curve of the student's TwoLayerNet and train, the reference's beside it."""
    return draw_training(
        training_losses(student.TwoLayerNet, student.train),
        training_losses(reference.TwoLayerNet, reference.train) if reference else (),
    )


PICTURES = {
    "descent": Picture("descent", plot_descent, LEARNING_RATES),
    "training": Picture("networks", plot_training),
}
