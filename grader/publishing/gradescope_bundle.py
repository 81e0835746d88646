"""`grade gradescope`: the autograder zip Gradescope asks for. At its root setup.sh (installs Python,
bubblewrap and the grader) and run_autograder (grades one submission, see grader.publishing.autograder), beside the
grader package and the whole course, hidden suites and solutions included: Gradescope keeps it from students,
and bubblewrap keeps it from their code."""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import Course
from grader.publishing.packaging import Files, course_files, grader_files
from grader.publishing.templates import render

_FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # the same course gives the same zip, byte for byte
SEED_FILE = "grading-seed"


def bundle_files(course: Course, seed: int) -> Files:
    """Everything in the autograder zip, by path; SEED draws the hidden inputs of every submission."""
    if not course.has_solutions:
        raise GradingError(
            _("{path} does not exist: the autograder needs the reference solutions").format(
                path=shown(course.solutions_dir)
            )
        )
    files = course_files(course, secret=True) | grader_files()
    files["setup.sh"] = render("setup.sh.tmpl").encode()
    files["run_autograder"] = render("run_autograder.tmpl").encode()
    files[SEED_FILE] = f"{seed}\n".encode()  # in the course directory, which student code never sees
    return files


def build(course: Course, out: Path, seed: int) -> Files:
    """Write the autograder zip to OUT; scripts keep their executable bit."""
    files = bundle_files(course, seed)
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, data in sorted(files.items()):
                info = zipfile.ZipInfo(name, _FIXED_TIME)
                mode = 0o100755 if data.startswith(b"#!") else 0o100600 if name == SEED_FILE else 0o100644
                info.external_attr = mode << 16
                zipped.writestr(info, data, zipfile.ZIP_DEFLATED)
    except OSError as exc:
        raise GradingError(_("cannot write {path}: {reason}").format(path=shown(out), reason=exc.strerror)) from None
    return files
