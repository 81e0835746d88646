"""The terminal report: per exercise points earned and possible, one sentence per failing test."""

from __future__ import annotations

import click

from grader.core.i18n import _, ngettext
from grader.core.terminal import mark
from grader.model.results import ExerciseResult, GradeReport, points

_COLORS = {"passed": "green", "failed": "red", "error": "red", "timeout": "red"}
_OUTPUT_LINES = 8


def render(report: GradeReport, color: bool = False, student: bool = True) -> str:
    """The report for a terminal; for a STUDENT it ends with where to get a hint on the first failing exercise."""

    def paint(text: str, fg: str, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    lines = [paint(report.title, "white", bold=True), ""]
    width = max(len(e.id) for e in report.exercises)
    for exercise in report.exercises:
        lines += _exercise_lines(exercise, width, paint)
    lines.append("")
    total = _("Total: {score} / {max_score} points").format(
        score=points(report.score), max_score=points(report.max_score)
    )
    if report.pending_tests:
        total += "  " + ngettext(
            "(+ {n} hidden test worth {points} points runs at grading)",
            "(+ {n} hidden tests worth {points} points run at grading)",
            report.pending_tests,
        ).format(n=report.pending_tests, points=points(report.pending_points))
    lines.append(paint(total, "green" if report.passed else "yellow", bold=True))
    if report.unavailable:
        lines.append(
            _("Limits this platform does not have: {names}; your code runs without them here.").format(
                names=", ".join(report.unavailable)
            )
        )
    failing = [e.id for e in report.exercises if not e.passed]
    if failing and student:
        lines.append(
            _("Stuck? `grade hint {id}` shows a hint; `grade check -e {id}` re-checks just that exercise.").format(
                id=failing[0]
            )
        )
    return "\n".join(lines) + "\n"


def same_in_more(count: int) -> str:
    """What follows a message that COUNT failed tests give: how many more tests it stands for."""
    if count < 2:
        return ""
    return ngettext(
        " (and {n} more test with the same message)", " (and {n} more tests with the same message)", count - 1
    ).format(n=count - 1)


def _exercise_lines(exercise: ExerciseResult, width: int, paint) -> list[str]:
    earned = f"{points(exercise.score)} / {points(exercise.max_score)}"
    if exercise.passed:
        head = paint(f"{mark('passed')} {exercise.id:<{width}}", "green")
    elif not exercise.started:
        head = paint(f"{mark('todo')} {exercise.id:<{width}}", "white")
    else:
        head = paint(f"{mark('failed')} {exercise.id:<{width}}", "red")
    lines = [f"{head}  {earned:>11}  {exercise.title}"]
    if not exercise.started:
        count = len(exercise.tests)
        lines.append(
            "    "
            + ngettext(
                "not started: every function still raises NotImplementedError ({n} test)",
                "not started: every function still raises NotImplementedError ({n} tests)",
                count,
            ).format(n=count)
        )
        return lines
    for test, count in exercise.failures():
        lines.append(
            f"    {paint(mark(test.status), _COLORS[test.status])} {test.name}: {test.message}{same_in_more(count)}"
        )
        output = test.output.strip().splitlines()
        if output:
            shown = output[:_OUTPUT_LINES] + (
                [
                    ngettext("… {n} more line", "… {n} more lines", len(output) - _OUTPUT_LINES).format(
                        n=len(output) - _OUTPUT_LINES
                    )
                ]
                if len(output) > _OUTPUT_LINES
                else []
            )
            lines += [f"        | {line}" for line in shown]
    return lines
