"""A Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

from grader.results import GradeReport


def render(report: GradeReport, color: bool = False) -> str:
    lines = [f"## {_cell(report.title)}", "", f"**{report.score:g} / {report.max_score:g} points**", ""]
    if report.pending_tests:
        lines += [f"{report.pending_tests} hidden tests worth {report.pending_points:g} points run at grading.", ""]
    lines += ["| | Exercise | Points | Tests passed |", "|---|---|---:|---:|"]
    for e in report.exercises:
        passed = sum(t.passed for t in e.tests)
        mark = "✅" if e.passed else "❌"
        lines.append(
            f"| {mark} | {_cell(e.title)} (`{e.id}`) | {e.score:g} / {e.max_score:g} | {passed} / {len(e.tests)} |"
        )
    failing = [(e, t) for e, t in report.tests() if not t.passed]
    if failing:
        lines += ["", "### What to fix", ""]
        lines += [f"- **{e.id}** `{t.name}` ({t.status}): {_cell(t.message)}" for e, t in failing]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
