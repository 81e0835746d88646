"""The JSON report of GUIDE.md section 2: score, max_score, exercises with their tests."""

from __future__ import annotations

import json

from grader.model.results import GradeReport


def as_dict(report: GradeReport) -> dict:
    """The report as plain data; keys may be added over time, none of these removed."""
    return {
        "score": report.score,
        "max_score": report.max_score,
        "pending": {"tests": report.pending_tests, "points": report.pending_points},
        "seed": report.seed,
        "isolation": report.isolation,
        "isolation_note": report.isolation_note,
        "duration": round(report.duration, 3),
        "exercises": [
            {
                "id": e.id,
                "title": e.title,
                "score": e.score,
                "max_score": e.max_score,
                "pending": {"tests": e.pending_tests, "points": e.pending_points},
                "tests": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "status": t.status,
                        "score": round(t.score, 6),
                        "max_score": round(t.max_score, 6),
                        "visibility": t.visibility,
                        "message": t.message,
                    }
                    for t in e.tests
                ],
            }
            for e in report.exercises
        ],
    }


def render(report: GradeReport, color: bool = False) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
