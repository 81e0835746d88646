"""The `grade` command. Each command is thin: it parses options and calls the module that does the work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.errors import GradingError

EXIT_PASSED, EXIT_FAILED = 0, 1


class GradeGroup(click.Group):
    """Turns a GradingError into one line and exit status 2, and any other failure into one line too."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GradingError as exc:
            click.echo(f"grade: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("GRADE_DEBUG"):
                raise
            click.echo(f"grade: internal error: {type(exc).__name__}: {exc} (set GRADE_DEBUG=1 for details)", err=True)
            sys.exit(3)


@click.group(cls=GradeGroup)
@click.version_option(package_name="dlfs-ch4-grader")
def cli() -> None:
    """Auto-graded exercises for chapter 4 of Deep Learning from Scratch."""


course_option = click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The course directory (default: the nearest one holding course.yaml).",
)


def load(course_dir: Path | None):
    from grader.course import find_course, load_course

    return load_course(course_dir.resolve() if course_dir else find_course(Path.cwd()))


@cli.command()
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


@cli.command()
@click.option("--check", "only_check", is_flag=True, help="Only report stubs that are out of date (exit 1).")
@course_option
def stubs(only_check: bool, course_dir: Path | None) -> None:
    """Generate exercises/ from solutions/ (instructors): solution blocks become `raise NotImplementedError`."""
    from grader import authoring

    course = load(course_dir)
    if not course.has_solutions:
        raise GradingError(f"{course.solutions_dir} does not exist: stubs are made from the reference solutions")
    modules = [e.module for e in course.exercises]
    if only_check:
        stale = authoring.stale_stubs(course.solutions_dir, course.exercises_dir, modules)
        for module in stale:
            click.echo(f"{course.exercises_dir.name}/{module}.py is out of date with its solution (run `grade stubs`)")
        sys.exit(EXIT_FAILED if stale else EXIT_PASSED)
    for path in authoring.write_stubs(course.solutions_dir, course.exercises_dir, modules):
        click.echo(f"wrote {path.relative_to(course.root)}")


@cli.command()
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@course_option
def validate(seed: int | None, course_dir: Path | None) -> None:
    """Prove the course: the reference passes, stubs earn zero, every mutant in tests/mutants/ is caught."""
    from grader import runner
    from grader.validate import validate as run_validation

    course = load(course_dir)
    verdicts = run_validation(course, runner.resolve_seed(course, seed))
    ids = [e.id for e in course.exercises]
    width = max(len(v.name) for v in verdicts)
    click.echo(f"{'submission':<{width}}  " + "  ".join(f"{i[:8]:>8}" for i in ids) + "  verdict")
    for verdict in verdicts:
        scores = {e.id: f"{e.score:g}/{e.max_score:g}" for e in verdict.report.exercises}
        cells = "  ".join(f"{scores.get(i, '-'):>8}" for i in ids)
        click.echo(f"{verdict.name:<{width}}  {cells}  {'ok' if verdict.ok else 'PROBLEM'}")
        for problem in verdict.problems:
            click.echo(f"{'':<{width}}    - {problem}")
    broken = sum(not v.ok for v in verdicts)
    click.echo(f"{len(verdicts) - broken} of {len(verdicts)} submissions graded as the course promises")
    sys.exit(EXIT_FAILED if broken else EXIT_PASSED)


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def main() -> None:
    cli(prog_name="grade")
