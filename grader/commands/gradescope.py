"""`grade gradescope`: build the Gradescope autograder zip (instructors)."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@click.option(
    "--out",
    default="autograder.zip",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write; upload it as the assignment's autograder.",
)
@click.option("--seed", type=int, help="Seed for the hidden inputs (default: a new random one, kept in the zip).")
@course_option
@lang_option
def gradescope(out: Path, seed: int | None, course_dir: Path | None) -> None:
    """Build the Gradescope autograder zip OUT: setup.sh and run_autograder at its root, the grader, and the course
    with its hidden suites and solutions. On Gradescope every submission (modules or notebooks, flat or in a folder)
    is graded into results.json; where bubblewrap runs, student code cannot see the course."""
    from grader.publishing.gradescope_bundle import build

    course = load(course_dir)
    seed = secrets.randbelow(2**31) if seed is None else seed
    files = build(course, out, seed)
    click.echo(
        _("wrote {out} ({count} files, hidden inputs from seed {seed})").format(
            out=shown(out), count=len(files), seed=seed
        )
    )
