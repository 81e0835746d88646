"""`grade list`: every exercise with its state (done, in progress, not started), its points, and what is next."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load
from grader.core.i18n import _, course_text, ngettext
from grader.core.terminal import mark, pad, shown, use_color, width

_MARKS = {"done": ("passed", "green"), "in progress": ("failed", "yellow"), "not started": ("todo", None)}


@click.command("list")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--seed", type=int, help="Seed for the checks (default: $GRADE_SEED, else the course's).")
@course_option
@lang_option
def list_exercises(path: Path | None, seed: int | None, course_dir: Path | None) -> None:
    """Show your progress through the course in PATH (default: the course's exercises/), by the public tests."""
    from grader.grading import runner
    from grader.tools import progress

    course = load(course_dir)
    submission = path if path is not None else course.exercises_dir
    found = progress.standings(course, submission, runner.resolve_seed(course, seed))
    states = {progress.DONE: _("done"), progress.IN_PROGRESS: _("in progress"), progress.NOT_STARTED: _("not started")}
    color = use_color()
    id_width = max(len(s.exercise.id) for s in found)
    state_width = max(map(width, states.values()))
    click.echo(click.style(course_text(course.title), bold=True) if color else course_text(course.title))
    click.echo()
    for standing in found:
        status, fg = _MARKS[standing.state]
        head = f"{mark(status)} {standing.exercise.id:<{id_width}}  {pad(states[standing.state], state_width)}"
        points = ngettext("{n:g} point", "{n:g} points", int(standing.exercise.points)).format(
            n=standing.exercise.points
        )
        line = f"  {click.style(head, fg=fg) if color and fg else head}  {points:>10}  "
        line += course_text(standing.exercise.title)
        if standing.state == progress.IN_PROGRESS:
            line += "  " + _("({passed} of {total} public tests pass)").format(
                passed=standing.passed_tests, total=len(standing.result.tests)
            )
        click.echo(line)
    done = [s for s in found if s.state == progress.DONE]
    click.echo()
    click.echo(
        ngettext(
            "{done} of {n} exercise done ({points:g} of {total:g} points).",
            "{done} of {n} exercises done ({points:g} of {total:g} points).",
            len(found),
        ).format(
            done=len(done),
            n=len(found),
            points=sum(s.exercise.points for s in done),
            total=sum(s.exercise.points for s in found),
        )
    )
    upcoming = progress.next_exercise(found)
    if upcoming is None:
        click.echo(_("All done: `grade check` shows your grade; hidden tests run at grading."))
    else:
        click.echo(
            _("Next: {id}, in {path}; `grade check -e {id}` checks it.").format(
                id=upcoming.id, path=shown(submission / f"{upcoming.module}.py")
            )
        )
