"""A submission's pictures for `grade plot`: its code runs in the worker, the reference (when the course has
solutions) here beside it, and the figure is saved as a PNG."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import Course
from grader.tools import plotting

PICTURES = {"descent": "descent", "training": "networks"}  # picture -> the exercise whose code it draws


def draw(
    course: Course,
    submission: Path,
    picture: str,
    out: Path,
    seed: int,
    lrs: Sequence[float] = plotting.LEARNING_RATES,
    isolation: str | None = None,
) -> Path:
    """Draw PICTURE ("descent" or "training") of SUBMISSION's own code and save it to OUT; returns OUT."""
    from grader.grading.remote import StudentCodeError
    from grader.grading.runner import load_reference, open_session

    plotting.require_matplotlib()
    exercise = course.exercise(PICTURES[picture])
    reference = load_reference(course)
    reference = reference.module(exercise.module) if reference else None
    session = open_session(course, submission, seed, isolation)
    student = session.module(exercise.module, {}, exercise.module)
    try:
        if picture == "descent":
            figure = plotting.draw_descent(
                [plotting.descent_trace(student.gradient_descent, lr) for lr in lrs],
                [plotting.descent_trace(reference.gradient_descent, lr) for lr in lrs] if reference else (),
            )
        else:
            figure = plotting.draw_training(
                plotting.training_losses(student.TwoLayerNet, student.train),
                plotting.training_losses(*_seeded(reference.TwoLayerNet, reference.train)) if reference else (),
            )
    except StudentCodeError as exc:
        raise GradingError(_("cannot draw your code: {reason}").format(reason=exc.message)) from None
    finally:
        session.finish()
    try:
        figure.savefig(out, dpi=110)
    except OSError as exc:
        raise GradingError(_("cannot write {path}: {reason}").format(path=shown(out), reason=exc.strerror)) from None
    return out


def _seeded(*functions: Callable) -> list[Callable]:
    """FUNCTIONS with np.random seeded before each call as the worker seeds student code's calls, in the same
    order, so that the reference's network starts from the same weights as the student's."""
    from grader.grading.remote import call_seed

    calls = itertools.count(1)

    def seeded(function: Callable) -> Callable:
        def call(*args: Any, **kwargs: Any) -> Any:
            np.random.seed(call_seed("", next(calls)) % 2**32)
            return function(*args, **kwargs)

        return call

    return [seeded(f) for f in functions]
