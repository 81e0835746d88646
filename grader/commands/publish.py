"""`grade publish`: write the course as an nbgrader course directory, release included (instructors)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, load
from grader.notebooks import LANGUAGES


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The nbgrader course directory to write (made if missing; its submissions are kept).",
)
@click.option("--assignment", default="chapter4", show_default=True, help="The nbgrader assignment name.")
@click.option(
    "--lang", type=click.Choice(sorted(LANGUAGES)), default="en", show_default=True, help="Notebook language."
)
@course_option
def publish(out: Path, assignment: str, lang: str, course_dir: Path | None) -> None:
    """Write OUT: nbgrader_config.py, source/ notebooks made from the solutions, and release/ via nbgrader.

    Needs the instructor extra: pip install "dlfs-ch4-grader[instructor]".
    """
    from grader.publish import publish as write_course_directory

    course = load(course_dir)
    for notebook in write_course_directory(course, out, assignment, lang):
        click.echo(f"released {notebook}")
    click.echo(f"then, in {out}: nbgrader autograde {assignment}, or faster: grade check submitted --course course")
