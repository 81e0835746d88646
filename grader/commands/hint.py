"""`grade hint EXERCISE`: the exercise's hints from course.yaml, one more each time it is asked, in the run's
language (the course is loaded with its hints translated)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.errors import GradingError
from grader.core.i18n import _

STATE_FILE = ".grade-hints.json"


@click.command()
@click.argument("exercise")
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.option("--reset", is_flag=True, help="Start again from the first hint.")
@course_option
@lang_option
def hint(exercise: str, show_all: bool, reset: bool, course_dir: Path | None) -> None:
    """Show the next hint for EXERCISE (run again for the one after)."""
    course = load(course_dir)
    hints = course.exercise(exercise).hints
    if not hints:
        raise GradingError(_("exercise {exercise} has no hints in course.yaml").format(exercise=repr(exercise)))
    state_path = course.root / STATE_FILE
    seen = {} if reset else _read_state(state_path)
    shown = len(hints) if show_all else min(seen.get(exercise, 0) + 1, len(hints))
    for number in range(1 if show_all else shown, shown + 1):
        text = _("Hint {number} of {total} for {exercise}: {hint}")
        click.echo(text.format(number=number, total=len(hints), exercise=exercise, hint=hints[number - 1]))
    if shown < len(hints):
        click.echo(_("(`grade hint {exercise}` again shows the next one)").format(exercise=exercise))
    seen[exercise] = shown
    with contextlib.suppress(OSError):  # a read-only course still shows hints, it just forgets how far you got
        state_path.write_text(json.dumps(seen, indent=1) + "\n", encoding="utf-8")


def _read_state(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, int)}
