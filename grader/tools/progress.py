"""How far a student is through the course: each exercise done, in progress or not started, by its public tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from grader.model.course import Course, Exercise
from grader.model.results import ExerciseResult

DONE, IN_PROGRESS, NOT_STARTED = "done", "in progress", "not started"


@dataclass
class Standing:
    """One exercise and how its public tests went."""

    exercise: Exercise
    result: ExerciseResult

    @property
    def state(self) -> str:
        if self.result.passed:
            return DONE
        return IN_PROGRESS if self.result.started else NOT_STARTED

    @property
    def passed_tests(self) -> int:
        return sum(t.passed for t in self.result.tests)


def standings(course: Course, submission: Path, seed: int, exercise_ids: list[str] | None = None) -> list[Standing]:
    """Run the public suites of the course (or of EXERCISE_IDS) on SUBMISSION: the fast part of `grade check`."""
    from grader.grading import runner

    public = dataclasses.replace(course, exercises=tuple(dataclasses.replace(e, hidden=None) for e in course.exercises))
    report = runner.check(public, submission, exercise_ids or [], seed)
    return [Standing(public.exercise(r.id), r) for r in report.exercises]


def next_exercise(found: list[Standing]) -> Exercise | None:
    """The first exercise in course order that is not done yet; None when all are."""
    return next((s.exercise for s in found if s.state != DONE), None)
