"""A submission's pictures for `grade plot` and the notebooks: the course's pictures module (course.yaml
`pictures:`, see grader.tools.plotting) draws them; its code runs in the worker, the reference (when the course
has solutions) here beside it, and the figure is saved as a PNG."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading.course_code import picture
from grader.model.course import Course
from grader.tools import plotting


def draw(
    course: Course,
    submission: Path,
    name: str,
    out: Path,
    seed: int,
    lrs: Sequence[float] = (),
    isolation: str | None = None,
) -> Path:
    """Draw the picture NAME of SUBMISSION's own code and save it to OUT; returns OUT."""
    from grader.grading.remote import StudentCodeError
    from grader.grading.runner import load_reference, open_session

    plotting.require_matplotlib()
    chosen = picture(course, name)
    exercise = course.exercise(chosen.exercise)
    reference = load_reference(course)
    reference = _Seeded(reference.module(exercise.module)) if reference else None
    session = open_session(course, submission, seed, isolation)
    student = session.module(exercise.module, {}, exercise.module)
    try:
        figure = chosen.draw(student, reference, tuple(lrs) or chosen.learning_rates)
    except StudentCodeError as exc:
        raise GradingError(_("cannot draw your code: {reason}").format(reason=exc.message)) from None
    finally:
        session.finish()
    try:
        figure.savefig(out, dpi=110)
    except OSError as exc:
        raise GradingError(_("cannot write {path}: {reason}").format(path=shown(out), reason=exc.strerror)) from None
    return out


class _Seeded:
    """The reference MODULE whose functions seed np.random before each call as the worker seeds student code's
    calls, in the same order, so that the reference's network starts from the same weights as the student's."""

    def __init__(self, module: Any) -> None:
        self._module, self._calls = module, itertools.count(1)

    def __getattr__(self, name: str) -> Any:
        function = getattr(self._module, name)
        return self._seeded(function) if callable(function) else function

    def _seeded(self, function: Callable) -> Callable:
        from grader.grading.remote import call_seed

        def call(*args: Any, **kwargs: Any) -> Any:
            np.random.seed(call_seed("", next(self._calls)) % 2**32)
            return function(*args, **kwargs)

        return call
