"""`grade watch`: check an exercise again each time you save its module; Ctrl+C stops."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--seed", type=int, help="Seed for the checks (default: $GRADE_SEED, else the course's).")
@course_option
@lang_option
def watch(path: Path | None, seed: int | None, course_dir: Path | None) -> None:
    """Watch PATH (default: the course's exercises/, or one module) and run `grade check -e EXERCISE` on every save.

    Exits with status 0 on Ctrl+C.
    """
    from grader.grading import runner
    from grader.tools import watching

    course = load(course_dir)
    target = path if path is not None else course.exercises_dir
    watching.watch(course, target, runner.resolve_seed(course, seed), click.echo, click.clear)
