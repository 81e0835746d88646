"""The terminal report: per exercise points earned and possible, one sentence per failing test."""

from __future__ import annotations

import click

from grader.results import ExerciseResult, GradeReport

_MARKS = {"passed": ("✔", "green"), "failed": ("✘", "red"), "error": ("✘", "red"), "timeout": ("⏱", "red")}
_OUTPUT_LINES = 8


def render(report: GradeReport, color: bool = False) -> str:
    def paint(text: str, fg: str, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    lines = [paint(report.title, "white", bold=True), ""]
    width = max(len(e.id) for e in report.exercises)
    for exercise in report.exercises:
        lines += _exercise_lines(exercise, width, paint)
    lines.append("")
    total = f"Total: {_points(report.score)} / {_points(report.max_score)} points"
    if report.pending_tests:
        total += (
            f"  (+ {report.pending_tests} hidden tests worth {_points(report.pending_points)} points run at grading)"
        )
    lines.append(paint(total, "green" if report.passed else "yellow", bold=True))
    failing = [e.id for e in report.exercises if not e.passed]
    if failing:
        lines.append(
            f"Stuck? `grade hint {failing[0]}` shows a hint; "
            f"`grade check -e {failing[0]}` re-checks just that exercise."
        )
    return "\n".join(lines) + "\n"


def _exercise_lines(exercise: ExerciseResult, width: int, paint) -> list[str]:
    points = f"{_points(exercise.score)} / {_points(exercise.max_score)}"
    if exercise.passed:
        head = paint(f"✔ {exercise.id:<{width}}", "green")
    elif not exercise.started:
        head = paint(f"· {exercise.id:<{width}}", "white")
    else:
        head = paint(f"✘ {exercise.id:<{width}}", "red")
    lines = [f"{head}  {points:>11}  {exercise.title}"]
    if not exercise.started:
        lines.append(f"    not started: every function still raises NotImplementedError ({len(exercise.tests)} tests)")
        return lines
    for test in exercise.tests:
        if test.passed:
            continue
        mark, fg = _MARKS[test.status]
        lines.append(f"    {paint(mark, fg)} {test.name}: {test.message}")
        output = test.output.strip().splitlines()
        if output:
            shown = output[:_OUTPUT_LINES] + (
                [f"… {len(output) - _OUTPUT_LINES} more lines"] if len(output) > _OUTPUT_LINES else []
            )
            lines += [f"        | {line}" for line in shown]
    return lines


def _points(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")
