"""Exercism's results.json version 3, which GitHub Classroom's Python grader reads."""

from __future__ import annotations

import json

from grader.model.results import GradeReport

_STATUS = {"passed": "pass", "failed": "fail", "error": "error", "timeout": "error"}


def as_dict(report: GradeReport) -> dict:
    return {
        "version": 3,
        "status": "pass" if report.passed else "fail",
        "tests": [
            {
                "name": f"{exercise.id}: {test.name}",
                "status": _STATUS[test.status],
                "message": test.message or None,
                "output": test.output[:500] or None,
                "task_id": task_id,
            }
            for task_id, exercise in enumerate(report.exercises, 1)
            for test in exercise.tests
        ],
    }


def render(report: GradeReport, color: bool = False) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
