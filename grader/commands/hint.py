"""`grade hint EXERCISE`: the exercise's hints from course.yaml, one more each time it is asked."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from grader.commands import course_option, load
from grader.errors import GradingError

STATE_FILE = ".grade-hints.json"


@click.command()
@click.argument("exercise")
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.option("--reset", is_flag=True, help="Start again from the first hint.")
@course_option
def hint(exercise: str, show_all: bool, reset: bool, course_dir: Path | None) -> None:
    """Show the next hint for EXERCISE (run again for the one after)."""
    course = load(course_dir)
    hints = course.exercise(exercise).hints
    if not hints:
        raise GradingError(f"exercise {exercise!r} has no hints in course.yaml")
    state_path = course.root / STATE_FILE
    seen = {} if reset else _read_state(state_path)
    shown = len(hints) if show_all else min(seen.get(exercise, 0) + 1, len(hints))
    for number in range(1 if show_all else shown, shown + 1):
        click.echo(f"Hint {number} of {len(hints)} for {exercise}: {hints[number - 1]}")
    if shown < len(hints):
        click.echo(f"(`grade hint {exercise}` again shows the next one)")
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
