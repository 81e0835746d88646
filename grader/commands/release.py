"""`grade release`: write the student's repository (and, if asked, the instructor's grading workflow)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.commands import course_option, lang_option, load, out_option
from grader.core.i18n import _
from grader.core.terminal import shown


@click.command()
@out_option("The student repository to write: a new or empty directory, or an earlier release to update.")
@click.option(
    "--instructor-workflow",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the workflow that grades every student repository with the hidden suites "
    "(for the course's private repository, e.g. .github/workflows/grade-students.yml).",
)
@course_option
@lang_option
def release(out: Path, instructor_workflow: Path | None, course_dir: Path | None) -> None:
    """Write the students' repository to OUT: the stubs, the public suites, a course.yaml without secrets, the grader,
    a README and a GitHub Actions workflow that runs `grade check` on every push. Nothing of the solutions or the
    hidden suites goes into OUT."""
    from grader.publishing.release import release as write_release
    from grader.publishing.release import write_instructor_workflow

    course = load(course_dir)
    files = write_release(course, out)
    click.echo(_("released {count} files to {out}; students run: grade check").format(count=len(files), out=shown(out)))
    if instructor_workflow is not None:
        write_instructor_workflow(instructor_workflow)
        click.echo(
            _("wrote {path}: it needs students.txt and the secrets GRADE_SEED and STUDENT_REPOS_TOKEN").format(
                path=shown(instructor_workflow)
            )
        )
