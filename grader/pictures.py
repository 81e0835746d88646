"""A submission's pictures for `grade plot`: its code runs in the worker, the reference (when the course has
solutions) here beside it, and the figure is saved as a PNG."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grader import plotting
from grader.course import Course
from grader.errors import GradingError
from grader.i18n import _

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
    from grader.reference import Reference
    from grader.remote import Session, StudentCodeError
    from grader.runner import ISOLATION_VARIABLE, _secret_paths
    from grader.sandbox import choose_isolation

    plotting.require_matplotlib()
    if not submission.is_dir():
        raise GradingError(_("{path} is not a directory of exercise modules").format(path=submission))
    exercise = course.exercise(PICTURES[picture])
    reference = None
    if course.has_solutions:  # imported before any student code runs, as in grading
        reference = Reference(course.solutions_dir)
        reference.load_all([e.module for e in course.exercises])
        reference = reference.module(exercise.module)
    mode = choose_isolation(isolation or os.environ.get(ISOLATION_VARIABLE, "auto"), _secret_paths(course))
    session = Session(submission.resolve(), course.limits, seed, isolation=mode)
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
                plotting.training_losses(_seeded(reference.TwoLayerNet, seed), _seeded(reference.train, seed))
                if reference
                else (),
            )
    except StudentCodeError as exc:
        raise GradingError(_("cannot draw your code: {reason}").format(reason=exc.message)) from None
    finally:
        session.close()
    try:
        figure.savefig(out, dpi=110)
    except OSError as exc:
        raise GradingError(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror)) from None
    return out


def _seeded(function: Callable, seed: int) -> Callable:
    """FUNCTION with np.random seeded before each call, as the worker does for student code, so that the
    reference's network starts from the same weights as the student's."""

    def call(*args: Any, **kwargs: Any) -> Any:
        np.random.seed(seed % 2**32)
        return function(*args, **kwargs)

    return call
