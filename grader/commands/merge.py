"""`grade merge`: join the journals of batches graded apart (the shards of a job array) into one set of grades."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load, out_option
from grader.core.i18n import ngettext
from grader.core.terminal import shown


@click.command()
@click.argument("dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@out_option("Where the joined results.jsonl, grades.csv, results.json and feedback/ are written.")
@course_option
@lang_option
def merge(dirs: tuple[Path, ...], out: Path, course_dir: Path | None) -> None:
    """Join the results.jsonl of each of DIRS (written by grade batch, e.g. with --shard) into OUT.

    One row per student; batches of another version of the course or another seed are refused.
    """
    from grader.grading import batch as batching
    from grader.grading import journal

    course = load(course_dir)
    lines = journal.merge([d / journal.JOURNAL for d in dirs], journal.course_digest(course))
    out.mkdir(parents=True, exist_ok=True)
    journal.write_lines(out / journal.JOURNAL, lines)
    batching.write_outputs(course, [journal.outcome_of(line) for line in lines], out)
    click.echo(
        ngettext(
            "merged {n} submission from {k} batches into {path}",
            "merged {n} submissions from {k} batches into {path}",
            len(lines),
        ).format(n=len(lines), k=len(dirs), path=shown(out / "grades.csv"))
    )
