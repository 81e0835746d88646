"""What the last `grade check` said per exercise, kept beside the course so that `grade hint` can answer it first."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from grader.model.course import Course, Exercise
from grader.model.results import GradeReport

STATE_FILE = ".grade-last-check.json"


def remember(course: Course, report: GradeReport) -> None:
    """Keep, for each exercise of REPORT, its failed tests and the first failure's message (others stay)."""
    path = course.root / STATE_FILE
    state = _read(path)
    for exercise in report.exercises:
        failed = [t for t in exercise.tests if not t.passed]
        state[exercise.id] = {"failed": [t.name for t in failed], "message": failed[0].message if failed else ""}
    with contextlib.suppress(OSError):  # a read-only course still grades; hints just keep their order
        path.write_text(json.dumps(state, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def first_failure(course: Course, exercise_id: str) -> tuple[str, str]:
    """The name (without parameters) and message of the first failed test of the exercise in the last check."""
    last = _read(course.root / STATE_FILE).get(exercise_id, {})
    failed = last.get("failed") if isinstance(last, dict) else None
    if not failed:
        return "", ""
    return str(failed[0]).split("[")[0], str(last.get("message", ""))


def hint_order(course: Course, exercise: Exercise) -> list[int]:
    """The indexes of EXERCISE's hints, those that answer the first failure of the last check first."""
    first_test, message = first_failure(course, exercise.id)
    message = message.lower()

    def answers(index: int) -> bool:
        said = exercise.hint_answers[index] if index < len(exercise.hint_answers) else ()
        return any(word == first_test or word.lower() in message for word in said)

    indexes = range(len(exercise.hints))
    return [i for i in indexes if answers(i)] + [i for i in indexes if not answers(i)]


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
