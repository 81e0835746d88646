"""`grade hint [EXERCISE]`: the exercise's hints from course.yaml, one more each time it is asked, those that
answer the last check's first failure first, in the run's language (the course is loaded with its hints
translated). Without EXERCISE: the next exercise to do, by the public tests of exercises/."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.model.course import Course
from grader.model.results import GradeReport

STATE_FILE = ".grade-hints.json"


@click.command()
@click.argument("exercise", required=False)
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.option("--reset", is_flag=True, help="Start again from the first hint.")
@course_option
@lang_option
def hint(exercise: str | None, show_all: bool, reset: bool, course_dir: Path | None) -> None:
    """Show the next hint for EXERCISE (default: the next exercise to do; run again for the one after)."""
    from grader.tools import last_check

    course = load(course_dir)
    exercise = exercise or _next_exercise(course)
    order = last_check.hint_order(course, course.exercise(exercise))
    hints = [course.exercise(exercise).hints[i] for i in order]
    if not hints:
        raise GradingError(_("exercise {exercise} has no hints in course.yaml").format(exercise=repr(exercise)))
    state_path = course.root / STATE_FILE
    seen = {} if reset else _read_state(state_path)
    answering = " ".join(last_check.first_failure(course, exercise))
    before = seen.get(exercise, {}) if seen.get(exercise, {}).get("answering") == answering else {}
    shown = len(hints) if show_all else min(before.get("shown", 0) + 1, len(hints))
    for number in range(1 if show_all else shown, shown + 1):
        text = _("Hint {number} of {total} for {exercise}: {hint}")
        click.echo(text.format(number=number, total=len(hints), exercise=exercise, hint=hints[number - 1]))
    if shown < len(hints):
        click.echo(_("(`grade hint {exercise}` again shows the next one)").format(exercise=exercise))
    seen[exercise] = {"shown": shown, "answering": answering}  # a new failure starts from its own hint again
    with contextlib.suppress(OSError):  # a read-only course still shows hints, it just forgets how far you got
        state_path.write_text(json.dumps(seen, indent=1) + "\n", encoding="utf-8")


def _read_state(path: Path) -> dict[str, dict]:
    """Per exercise: how many hints were shown, and for which first failure of the last check."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("shown"), int)}


def _next_exercise(course: Course) -> str:
    """The first exercise not done yet by the public tests of exercises/ (that check is remembered, so its
    first failure orders the hints); the last one when all are done."""
    from grader.grading import runner
    from grader.tools import last_check, progress

    found = progress.standings(course, course.exercises_dir, runner.resolve_seed(course, None))
    last_check.remember(course, GradeReport(course.title, 0, "", [s.result for s in found]))
    return (progress.next_exercise(found) or course.exercises[-1]).id
