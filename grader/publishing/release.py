"""`grade release`: the student's repository, made from the course without anything secret in it: the stubs,
the public suites, a course.yaml without hidden suites or solutions, the grader itself (vendored, so that
`pip install -e .` is all a fresh machine needs), a README and a GitHub Actions workflow that runs
`grade check` on every push."""

from __future__ import annotations

import json
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading.course_code import course_pictures
from grader.model.course import Course
from grader.publishing.packaging import (
    Files,
    course_files,
    grader_files,
    hidden_messages,
    withhold_messages,
    write_tree,
)
from grader.publishing.templates import render

MARKER = ".grade-release.json"  # names the files a release wrote, so the next release can replace them
GITIGNORE = ".venv/\n__pycache__/\n*.pyc\n*.egg-info/\n.grade-hints.json\n.grade-last-check.json\ngrade-report.md\n"


def release_files(course: Course) -> Files:
    """Everything the student's repository holds, by relative path."""
    files = course_files(course, secret=False) | grader_files()
    # Every catalog, the grader's and the course's, without what only a hidden suite says.
    files = withhold_messages(files, hidden_messages(course, files))
    files["README.md"] = student_readme(course).encode()
    files[".gitignore"] = (GITIGNORE + "".join(f"{name}.png\n" for name in course_pictures(course))).encode()
    files[".github/workflows/grade.yml"] = render("grade.yml.tmpl").encode()
    return files


def student_readme(course: Course) -> str:
    rows = [
        f"| {e.id} | `{e.module}.py` | {', '.join(f'`{f}`' for f in e.functions)} | {e.points:g} | {e.hidden_tests} |"
        for e in course.exercises
    ]
    example = course.exercises[0]  # the exercise the README's examples name
    return render(
        "student-README.md.tmpl",
        TITLE=course.title,
        EXERCISES="\n".join(rows),
        EXERCISE=example.id,
        MODULE=example.module,
        PICTURES=_pictures_item(course),
    )


def _pictures_item(course: Course) -> str:
    """The README's item on `grade plot`, naming the course's pictures; nothing when it draws none."""
    pictures = course_pictures(course)
    if not pictures:
        return ""
    names = ", ".join(
        f"`grade plot {name}` (your `{course.exercise(p.exercise).module}.py`)" for name, p in pictures.items()
    )
    return (
        f"- {names} draw your own code. Each saves a PNG (`--out FILE`, default\n"
        "  `NAME.png`, which git ignores) and prints its path; `grade plot --help` says more. Pictures need\n"
        '  matplotlib, installed once with `.venv/bin/pip install -q -e ".[plot]"`.\n'
    )


def release(course: Course, out: Path) -> Files:
    """Write the student's repository to OUT: a new or empty directory, or an earlier release (whose files
    are replaced; anything else in it, such as .git, is kept). Returns what was written."""
    files = release_files(course)
    _clear_earlier_release(out)
    try:
        write_tree(files, out)
        (out / MARKER).write_text(json.dumps({"course": course.title, "files": sorted(files)}, indent=1) + "\n")
    except OSError as exc:
        raise GradingError(
            _("cannot write {path}: {reason}").format(path=shown(exc.filename), reason=exc.strerror)
        ) from None
    return files


def _clear_earlier_release(out: Path) -> None:
    """Remove the files an earlier release wrote to OUT; refuse a non-empty OUT that holds no release."""
    if out.exists() and not out.is_dir():
        raise GradingError(_("{out} is a file, not a directory").format(out=shown(out)))
    if not out.exists() or not any(out.iterdir()):
        return
    marker = out / MARKER
    if not marker.is_file():
        raise GradingError(
            _("{out} is not empty and holds no earlier release ({marker} is missing): choose a new directory").format(
                out=shown(out), marker=MARKER
            )
        )
    try:
        written = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        raise GradingError(
            _("{marker} is not a release record: remove it or choose a new directory").format(marker=marker)
        ) from None
    root = out.resolve()
    for name in written:
        path = (out / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()


def write_instructor_workflow(path: Path) -> None:
    """The workflow for the course's private repository that grades every student repository (see the
    template's header for what it needs)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render("grade-students.yml.tmpl"), encoding="utf-8")
    except OSError as exc:
        raise GradingError(_("cannot write {path}: {reason}").format(path=shown(path), reason=exc.strerror)) from None
