"""A Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

from grader.core.i18n import _, ngettext
from grader.model.results import GradeReport, points
from grader.reports.text_report import same_in_more


def render(report: GradeReport, color: bool = False) -> str:
    score = _("{score} / {max_score} points").format(score=points(report.score), max_score=points(report.max_score))
    lines = [f"## {_cell(report.title)}", "", f"**{score}**", ""]
    if report.pending_tests:
        pending = ngettext(
            "{n} hidden test worth {points} points runs at grading.",
            "{n} hidden tests worth {points} points run at grading.",
            report.pending_tests,
        )
        lines += [pending.format(n=report.pending_tests, points=points(report.pending_points)), ""]
    header = (_("Exercise"), _("Points"), _("Tests passed"))
    lines += ["| | " + " | ".join(header) + " |", "|---|---|---:|---:|"]
    for e in report.exercises:
        passed = sum(t.passed for t in e.tests)
        mark = "✅" if e.passed else "❌"
        lines.append(
            f"| {mark} | {_cell(e.title)} (`{e.id}`) | {points(e.score)} / {points(e.max_score)} "
            f"| {passed} / {len(e.tests)} |"
        )
    failing = [(e, t, n) for e in report.exercises for t, n in e.failures()]
    status = {"failed": _("failed"), "error": _("error"), "timeout": _("timeout")}
    if failing:
        lines += ["", "### " + _("What to fix"), ""]
        lines += [
            f"- **{e.id}** `{t.name}` ({status[t.status]}): {_cell(t.message)}{same_in_more(n)}" for e, t, n in failing
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
