"""`grade stubs`: generate the student stubs from the reference solutions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@click.option("--check", "only_check", is_flag=True, help="Only report stubs that are out of date (exit 1).")
@course_option
@lang_option
def stubs(only_check: bool, course_dir: Path | None) -> None:
    """Generate exercises/ from solutions/ (instructors): solution blocks become `raise NotImplementedError`."""
    from grader.authoring import markers

    course = load(course_dir)
    if not course.has_solutions:
        raise GradingError(
            _("{path} does not exist: stubs are made from the reference solutions").format(
                path=shown(course.solutions_dir)
            )
        )
    modules = [e.module for e in course.exercises]
    if only_check:
        stale = markers.stale_stubs(course.solutions_dir, course.exercises_dir, modules)
        for module in stale:
            click.echo(
                _("{path} is out of date with its solution (run `grade stubs`)").format(
                    path=shown(course.exercises_dir / f"{module}.py")
                )
            )
        sys.exit(EXIT_FAILED if stale else EXIT_PASSED)
    for path in markers.write_stubs(course.solutions_dir, course.exercises_dir, modules):
        click.echo(_("wrote {path}").format(path=shown(path)))
