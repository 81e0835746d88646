"""`grade check`: grade a submission and report it in the chosen format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown, use_color
from grader.grading.sandbox import MODES
from grader.reports import FORMATS


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("-e", "--exercise", "exercises", multiple=True, help="Check only this exercise (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format.")
@click.option("--min-score", type=float, help="Exit 0 when the score reaches this many points (a CI gate).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here instead of standard output.",
)
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@click.option(
    "--isolation",
    type=click.Choice(MODES),
    help="How student code is isolated (default: $GRADE_ISOLATION, else auto: namespace where root and "
    "bubblewrap allow it, else process).",
)
@course_option
@lang_option
def check(
    path: Path | None,
    exercises: tuple[str, ...],
    fmt: str,
    min_score: float | None,
    output: Path | None,
    seed: int | None,
    isolation: str | None,
    course_dir: Path | None,
) -> None:
    """Grade PATH (default: the course's exercises/ directory): a directory of modules, a notebook, a folder
    of notebooks, or an nbgrader submitted/ tree (one report per student).

    Exit status: 0 when every test passed (or the score reached --min-score), 1 when some failed,
    2 when grading could not run.
    """
    from grader.grading import runner
    from grader.intake import submissions
    from grader.reports import MANY_FORMATS, render_all
    from grader.tools import last_check

    course = load(course_dir)
    submission = path if path is not None else course.exercises_dir
    if not submission.exists():
        if path is not None and str(path) in {e.id for e in course.exercises}:
            raise GradingError(
                _("{path} does not exist; to check the exercise {path}: grade check -e {path}").format(path=path)
            )
        raise GradingError(_("{path} does not exist").format(path=shown(submission)))
    seed = runner.resolve_seed(course, seed)
    with submissions.opened(submission, course) as found:
        if found[0].student is not None and fmt not in MANY_FORMATS:
            raise GradingError(
                _("--format {format} reports on one submission; use text or json for several students").format(
                    format=fmt
                )
            )
        graded = [(s, runner.check(course, s.directory, [*(exercises or s.exercises)], seed, isolation)) for s in found]
    if found[0].student is None:
        last_check.remember(course, graded[0][1])
    if output is not None:
        try:
            output.write_text(render_all(graded, fmt), encoding="utf-8")
        except OSError as exc:
            raise GradingError(
                _("cannot write {path}: {reason}").format(path=shown(output), reason=exc.strerror)
            ) from None
        if fmt != "text":
            click.echo(render_all(graded, "text", color=use_color()), nl=False)
    else:
        click.echo(render_all(graded, fmt, color=fmt == "text" and use_color()), nl=False)
    passed = all(r.passed if min_score is None else r.score >= min_score for _, r in graded)
    sys.exit(EXIT_PASSED if passed else EXIT_FAILED)
