"""`grade check`: grade a submission and report it in the chosen format."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, load
from grader.errors import GradingError


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("-e", "--exercise", "exercises", multiple=True, help="Check only this exercise (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here instead of standard output.",
)
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@course_option
def check(
    path: Path | None,
    exercises: tuple[str, ...],
    fmt: str,
    output: Path | None,
    seed: int | None,
    course_dir: Path | None,
) -> None:
    """Grade PATH (default: the course's exercises/ directory)."""
    from grader import runner
    from grader.reports import render

    course = load(course_dir)
    submission = path if path is not None else course.exercises_dir
    if not submission.exists():
        raise GradingError(f"{submission} does not exist")
    report = runner.check(course, submission, list(exercises), runner.resolve_seed(course, seed))
    if output is not None:
        try:
            output.write_text(render(report, fmt), encoding="utf-8")
        except OSError as exc:
            raise GradingError(f"cannot write {output}: {exc.strerror}") from None
        if fmt != "text":
            click.echo(render(report, "text", color=_color()), nl=False)
    else:
        click.echo(render(report, fmt, color=fmt == "text" and _color()), nl=False)
    sys.exit(EXIT_PASSED if report.passed else EXIT_FAILED)


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ
