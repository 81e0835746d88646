"""Report formats: each module renders a GradeReport as text for one audience."""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING

from grader.model.results import GradeReport

if TYPE_CHECKING:
    from grader.intake.submissions import Submission

FORMATS = ("text", "json", "junit", "gradescope", "markdown", "exercism")
MANY_FORMATS = ("text", "json")  # the formats that report on several students at once


def render(report: GradeReport, fmt: str, color: bool = False, student: bool = True) -> str:
    """Render REPORT in format FMT (one of FORMATS); modules load only when used. STUDENT is False for a report
    an instructor reads (a batch, a class's submitted/ tree, Gradescope's log): the text gives no "Stuck?" tip."""
    if fmt == "text":
        from grader.reports import text_report

        return text_report.render(report, color=color, student=student)
    module = importlib.import_module(f"grader.reports.{fmt}_report")
    return module.render(report, color=color)


def render_all(graded: list[tuple[Submission, GradeReport]], fmt: str, color: bool = False) -> str:
    """One submission as `render` does; several (an nbgrader submitted/ tree) as one text report per student,
    or as one JSON object {"submissions": [{"student": ..., "assignment": ..., <the usual keys>}]}."""
    if len(graded) == 1 and graded[0][0].student is None:
        return render(graded[0][1], fmt, color)
    if fmt == "json":
        from grader.reports.json_report import as_dict

        students = [{"student": s.student, "assignment": s.assignment, **as_dict(r)} for s, r in graded]
        return json.dumps({"submissions": students}, indent=2, ensure_ascii=False) + "\n"
    return "\n".join(f"== {s.student} ({s.assignment}) ==\n{render(r, fmt, color, student=False)}" for s, r in graded)
