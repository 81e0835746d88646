"""`grade batch`: grade many submissions in parallel into grades.csv and one feedback file per student."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load, out_option
from grader.core.i18n import _, ngettext
from grader.core.terminal import shown
from grader.grading.sandbox import MODES


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option("Where grades.csv, results.json and feedback/ are written.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Submissions graded at once.",
)
@click.option("--seed", type=int, help="Seed for hidden inputs (default: $GRADE_SEED, else the course's).")
@click.option("--isolation", type=click.Choice(MODES), help="How student code is isolated (see grade check).")
@course_option
@lang_option
def batch(
    paths: tuple[Path, ...], out: Path, jobs: int, seed: int | None, isolation: str | None, course_dir: Path | None
) -> None:
    """Grade every submission in PATHS (directories, zip files, notebooks, or folders of them).

    One broken or hanging submission never stops or changes the others; errors and timeouts are marked in
    grades.csv. The same seed gives the same grades.csv. Exit status 1 when any submission could not be
    graded, else 0.
    """
    from grader.grading import batch as batching
    from grader.grading import runner

    course = load(course_dir)
    seed = runner.resolve_seed(course, seed)
    with batching.scratch_dir() as scratch:
        entries = batching.find_entries(list(paths), course, scratch)
        with click.progressbar(
            length=len(entries),
            label=ngettext("grading {n} submission", "grading {n} submissions", len(entries)).format(n=len(entries)),
            file=sys.stderr,
            show_pos=True,
            hidden=not sys.stderr.isatty(),  # a bar for a person at a terminal; nothing in CI logs or pipes
        ) as bar:
            outcomes = batching.grade_all(course, entries, seed, isolation, jobs, lambda _outcome: bar.update(1))
    batching.write_outputs(course, outcomes, out)
    failed = [o for o in outcomes if o.status != "graded"]
    summary = ngettext(
        "graded {graded} of {n} submission into {path}", "graded {graded} of {n} submissions into {path}", len(outcomes)
    ).format(graded=len(outcomes) - len(failed), n=len(outcomes), path=shown(out / "grades.csv"))
    if failed:
        summary += _("; {n} could not be graded (see the status column)").format(n=len(failed))
    click.echo(summary)
    sys.exit(EXIT_FAILED if failed else EXIT_PASSED)
