"""`grade batch`: grade many submissions in parallel into grades.csv and one feedback file per student."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from grader.commands import EXIT_FAILED, EXIT_PASSED, course_option, lang_option, load, out_option
from grader.core.errors import GradingError
from grader.core.i18n import _, ngettext
from grader.core.terminal import shown
from grader.grading.sandbox import MODES
from grader.grading.shard import in_shard, parse_shard


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
@click.option(
    "--cluster",
    metavar="local:N|tcp://HOST:PORT",
    help="Grade on Dask: a local cluster of N processes, or the scheduler at HOST:PORT (needs the [cluster] extra).",
)
@click.option(
    "--shard",
    metavar="I/N",
    callback=lambda _ctx, _param, value: value and parse_shard(value),
    help="Grade only the I-th of N stable slices of the submissions (for job arrays; join them with grade merge).",
)
@course_option
@lang_option
def batch(
    paths: tuple[Path, ...],
    out: Path,
    jobs: int,
    seed: int | None,
    isolation: str | None,
    cluster: str | None,
    shard: tuple[int, int] | None,
    course_dir: Path | None,
) -> None:
    """Grade every submission in PATHS (directories, zip files, notebooks, or folders of them, such as an
    nbgrader submitted/ tree).

    Every entry gets one row in grades.csv: graded, no submission, or error with the reason. One broken or
    hanging submission never stops or changes the others. The same seed gives the same grades.csv. Each result
    is kept in OUT/results.jsonl as it comes: run the same command again after an interruption and only what is
    missing is graded. Exit status 1 when any entry could not be graded, else 0.
    """
    from grader.grading import batch as batching
    from grader.grading import runner
    from grader.grading.journal import grade_journaled

    def grade(todo: list[batching.Entry], done: Callable[[batching.Outcome], None]) -> None:
        if cluster is None:
            batching.grade_all(course, todo, seed, isolation, jobs, done)
            return
        try:
            from grader.grading.cluster import grade_on_cluster
        except ImportError:
            raise GradingError(_("--cluster needs Dask: pip install 'dlfs-ch4-grader[cluster]'")) from None
        grade_on_cluster(cluster, course, todo, seed, isolation, done)

    course = load(course_dir)
    seed = runner.resolve_seed(course, seed)
    with batching.scratch_dir() as scratch:
        entries = batching.find_entries(list(paths), course, scratch)
        entries = [e for e in entries if shard is None or in_shard(e.name, shard)]
        with click.progressbar(
            length=len(entries),
            label=ngettext("grading {n} submission", "grading {n} submissions", len(entries)).format(n=len(entries)),
            file=sys.stderr,
            show_pos=True,
            hidden=not sys.stderr.isatty(),  # a bar for a person at a terminal; nothing in CI logs or pipes
        ) as bar:
            outcomes = grade_journaled(course, entries, seed, out, grade, lambda _outcome: bar.update(1))
    batching.write_outputs(course, outcomes, out)
    failed = [o for o in outcomes if o.status not in ("graded", batching.NO_SUBMISSION)]
    empty = [o for o in outcomes if o.status == batching.NO_SUBMISSION]
    summary = ngettext(
        "graded {graded} of {n} entry into {path}", "graded {graded} of {n} entries into {path}", len(outcomes)
    ).format(graded=len(outcomes) - len(failed) - len(empty), n=len(outcomes), path=shown(out / "grades.csv"))
    if empty:
        summary += _("; {n} without a submission").format(n=len(empty))
    if failed:
        summary += _("; {n} could not be graded (see the status column)").format(n=len(failed))
    click.echo(summary)
    sys.exit(EXIT_FAILED if failed else EXIT_PASSED)
