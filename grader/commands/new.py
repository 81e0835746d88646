"""`grade new EXERCISE`: scaffold a new exercise of the course (instructors)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@click.argument("exercise")
@click.option("--title", help="The exercise's title (default: its id, capitalised).")
@click.option("--points", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True)
@course_option
@lang_option
def new(exercise: str, title: str | None, points: float, course_dir: Path | None) -> None:
    """Write a new exercise EXERCISE: a solution with markers and its stub, a public and a hidden suite, a mutant
    and its entry in course.yaml. `grade validate` passes on them as written; then make them your own."""
    from grader.authoring.scaffold import scaffold

    course = load(course_dir)
    for path in scaffold(course, exercise, title or exercise.replace("_", " ").capitalize(), points):
        click.echo(_("wrote {path}").format(path=shown(path)))
