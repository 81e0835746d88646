"""`grade validate`: prove that the course grades the reference, the stubs and every mutant as promised."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load
from grader.i18n import _, ngettext


@click.command()
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@course_option
@lang_option
def validate(seed: int | None, course_dir: Path | None) -> None:
    """Prove the course: the reference passes, stubs earn zero, every mutant in tests/mutants/ is caught."""
    from grader import runner
    from grader.validate import validate as run_validation

    course = load(course_dir)
    verdicts = run_validation(course, runner.resolve_seed(course, seed))
    ids = [e.id for e in course.exercises]
    head, ok, problem_mark = _("submission"), _("ok"), _("PROBLEM")
    width = max(len(head), *(len(v.name) for v in verdicts))
    click.echo(f"{head:<{width}}  " + "  ".join(f"{i[:8]:>8}" for i in ids) + "  " + _("verdict"))
    for verdict in verdicts:
        scores = {e.id: f"{e.score:g}/{e.max_score:g}" for e in verdict.report.exercises}
        cells = "  ".join(f"{scores.get(i, '-'):>8}" for i in ids)
        click.echo(f"{verdict.name:<{width}}  {cells}  {ok if verdict.ok else problem_mark}")
        for problem in verdict.problems:
            click.echo(f"{'':<{width}}    - {problem}")
    broken = sum(not v.ok for v in verdicts)
    click.echo(
        ngettext(
            "{ok} of {n} submission graded as the course promises",
            "{ok} of {n} submissions graded as the course promises",
            len(verdicts),
        ).format(ok=len(verdicts) - broken, n=len(verdicts))
    )
    sys.exit(EXIT_FAILED if broken else EXIT_PASSED)
