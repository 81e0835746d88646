"""Report formats: each module renders a GradeReport as text for one audience."""

from __future__ import annotations

import importlib

from grader.results import GradeReport

FORMATS = ("text", "json")


def render(report: GradeReport, fmt: str, color: bool = False) -> str:
    """Render REPORT in format FMT (one of FORMATS); modules load only when used."""
    module = importlib.import_module(f"grader.reports.{fmt}_report")
    return module.render(report, color=color)
