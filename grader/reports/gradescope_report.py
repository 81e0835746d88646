"""Gradescope's results.json: overall score, and per test score, max_score, status, output, visibility."""

from __future__ import annotations

import json

from grader.model.results import GradeReport

# Hidden tests' results show once the due date has passed; public ones at once.
VISIBILITY = {"public": "visible", "hidden": "after_due_date"}


def as_dict(report: GradeReport) -> dict:
    """Everything here is shown to the student: never the seed."""
    isolation = f"{report.isolation} isolation" + (f": {report.isolation_note}" if report.isolation_note else "")
    return {
        "score": report.score,
        "execution_time": round(report.duration, 3),
        "output": f"{report.title}: {report.score:g} / {report.max_score:g} points ({isolation})",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": f"{exercise.id}: {test.description or test.name}",
                "number": f"{index}.{number}",
                "score": round(test.score, 6),
                "max_score": round(test.max_score, 6),
                "status": "passed" if test.passed else "failed",
                "output": test.message if not test.passed else "",
                "visibility": VISIBILITY[test.visibility],
                "tags": [exercise.id, test.status],
            }
            for index, exercise in enumerate(report.exercises, 1)
            for number, test in enumerate(exercise.tests, 1)
        ],
    }


def render(report: GradeReport, color: bool = False) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
