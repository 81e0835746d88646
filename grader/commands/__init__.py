"""The commands of `grade`, one module each, and what they share: finding and loading the course."""

from __future__ import annotations

from pathlib import Path

import click

from grader.core.i18n import LANGUAGES

EXIT_PASSED, EXIT_FAILED = 0, 1

course_option = click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The course directory (default: the nearest one holding course.yaml).",
)


def out_option(help: str):
    """The --out DIRECTORY option of the commands that write a directory; HELP says what goes there."""
    return click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help=help)


def load(course_dir: Path | None):
    """The course at --course, else the nearest course.yaml at or above the working directory."""
    from grader.model.course import find_course, load_course

    return load_course(course_dir.resolve() if course_dir else find_course(Path.cwd()))


def _use_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from grader.core import i18n
    from grader.core.terminal import speak

    return speak(i18n.use(value))


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    callback=_use_language,
    expose_value=False,
    is_eager=True,
    help="Language of what grade says: en, de or ja (default: $GRADE_LANG, else the locale, else en).",
)
