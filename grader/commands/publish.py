"""`grade publish`: write the course as an nbgrader course directory, release included (instructors)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load, out_option
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@out_option("The nbgrader course directory to write (made if missing; its submissions are kept).")
@click.option("--assignment", help="The nbgrader assignment name (default: the course's `assignment`).")
@click.option(
    "--seed",
    type=int,
    help="Secret seed for the hidden inputs at autograde (default: the earlier publish's, else a new random one); "
    "kept in OUT/course, never in the release.",
)
@course_option
@lang_option
def publish(out: Path, assignment: str | None, seed: int | None, course_dir: Path | None) -> None:
    """Write OUT: nbgrader_config.py, source/ notebooks made from the solutions, and release/ via nbgrader.
    The notebooks' Markdown is in the --lang language; their code is the same in every language.

    Needs the instructor extra: pip install "dlfs-ch4-grader[instructor]".
    """
    from grader.publishing.publish import publish as write_course_directory

    course = load(course_dir)
    assignment = assignment or course.assignment
    for notebook in write_course_directory(course, out, assignment, seed):
        click.echo(_("released {notebook}").format(notebook=shown(notebook)))
    then = _("then, in {out}: nbgrader autograde {assignment}, or faster: grade check submitted --course course")
    click.echo(then.format(out=shown(out), assignment=assignment))
