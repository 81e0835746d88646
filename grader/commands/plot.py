"""`grade plot PICTURE`: a picture of your own code that the course draws, saved as a PNG (needs the `plot`
extra)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@click.argument("picture")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--lr",
    "lrs",
    type=float,
    multiple=True,
    help="A learning rate, for a picture that takes them (repeatable; default: the picture's own).",
)
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="The PNG to write (default: PICTURE.png)."
)
@click.option(
    "--seed", type=int, help="Seed for the network's random weights (default: $GRADE_SEED, else the course's)."
)
@course_option
@lang_option
def plot(
    picture: str, path: Path | None, lrs: tuple[float, ...], out: Path | None, seed: int | None, course_dir: Path | None
) -> None:
    """Draw PICTURE of the code in PATH (default: the course's exercises/) beside the reference, when there is one.

    PICTURE is one the course draws (its module named by course.yaml `pictures:`); an unknown name lists them.
    """
    from grader.grading import course_code, runner
    from grader.tools import pictures

    for lr in lrs:
        if not math.isfinite(lr):
            raise GradingError(_("--lr {lr}: a learning rate must be a finite number").format(lr=lr))
    course = load(course_dir)
    if lrs and not course_code.picture(course, picture).learning_rates:
        raise GradingError(_("--lr is for pictures that take learning rates, not {name}").format(name=picture))
    saved = pictures.draw(
        course,
        path if path is not None else course.exercises_dir,
        picture,
        out if out is not None else Path(f"{picture}.png"),
        runner.resolve_seed(course, seed),
        lrs,
    )
    click.echo(shown(saved))
