"""`grade validate`: prove that the course grades the reference, the stubs and every mutant as promised."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.authoring.validate import Verdict
from grader.authoring.validate import validate as run_validation
from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load
from grader.core.i18n import _, ngettext
from grader.core.terminal import pad, width
from grader.model.results import points


@click.command()
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@course_option
@lang_option
def validate(seed: int | None, course_dir: Path | None) -> None:
    """Prove the course: the reference passes, stubs earn zero, every mutant in tests/mutants/ is caught."""
    from grader.grading import runner

    course = load(course_dir)
    verdicts = run_validation(course, runner.resolve_seed(course, seed))
    for line in table(verdicts, [e.id for e in course.exercises]):
        click.echo(line)
    broken = sum(not v.ok for v in verdicts)
    click.echo(
        ngettext(
            "{ok} of {n} submission graded as the course promises",
            "{ok} of {n} submissions graded as the course promises",
            len(verdicts),
        ).format(ok=len(verdicts) - broken, n=len(verdicts))
    )
    sys.exit(EXIT_FAILED if broken else EXIT_PASSED)


def table(verdicts: list[Verdict], ids: list[str]) -> list[str]:
    """One row per submission (its points per exercise and the verdict), each mistake's row followed by the
    tests that caught it, how many of their messages name it, the first message, and each broken promise."""
    head = [_("submission"), *ids, _("verdict")]
    rows = [head]
    for verdict in verdicts:
        scores = {e.id: f"{points(e.score)}/{points(e.max_score)}" for e in verdict.report.exercises}
        rows.append([verdict.name, *(scores.get(i, "-") for i in ids), _("ok") if verdict.ok else _("PROBLEM")])
    widths = [max(width(row[c]) for row in rows) for c in range(len(head))]
    lines = []
    for row, verdict in zip(rows, [None, *verdicts], strict=True):
        cells = [pad(cell, columns, right=True) for cell, columns in zip(row[1:-1], widths[1:-1], strict=True)]
        lines.append("  ".join([pad(row[0], widths[0]), *cells, row[-1]]))
        if verdict is not None and verdict.caught_by:
            lines.append("    " + _("caught by: {tests}").format(tests=", ".join(verdict.caught_by)))
            lines.append(
                "    "
                + _("named by {named} of {caught}; the first says: {message}").format(
                    named=len(verdict.named_by), caught=len(verdict.caught_by), message=verdict.first_message
                )
            )
        lines += ["    - " + problem for problem in (verdict.problems if verdict else [])]
    return lines
