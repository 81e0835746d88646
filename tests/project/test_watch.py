"""`grade watch` for real: a subprocess watching a student's copy of the course while the test edits a module.

Every wait is bounded and the watcher is killed whatever happens; nothing here asserts how long anything took.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from grader.model.course import load_course
from grader.publishing.packaging import public_course_yaml

from conftest import ROOT, WAIT, Output, grade

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Ctrl+C as SIGINT: Windows sends CTRL_C_EVENT instead")


@pytest.fixture
def student_copy(tmp_path: Path) -> Path:
    """The course as a student gets it: course.yaml, the public suites and the stubs; no solutions, no hidden."""
    root = tmp_path / "course"
    shutil.copytree(ROOT / "tests" / "public", root / "tests" / "public")
    shutil.copytree(ROOT / "exercises", root / "exercises")
    (root / "course.yaml").write_text(public_course_yaml(load_course(ROOT)))  # as grade release writes it
    shutil.copytree(ROOT / "course", root / "course")
    return root


@pytest.fixture
def watcher(student_copy: Path):
    """Start `grade watch ARGS` in the student's copy; it is killed at the end of the test if still running."""
    started: list[subprocess.Popen] = []

    def start(*args: str) -> tuple[subprocess.Popen, Output]:
        process = subprocess.Popen(
            [sys.executable, "-m", "grader", "watch", *args],
            cwd=student_copy,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            env={**os.environ, "GRADE_LANG": "en", "PYTHONIOENCODING": "utf-8"},
        )
        started.append(process)
        return process, Output(process)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=WAIT)


def test_each_save_re_checks_its_exercise_and_ctrl_c_exits_0(student_copy: Path, watcher):
    process, output = watcher()
    at = output.wait_for(f"Next: losses, in {os.path.join('exercises', 'losses.py')}")
    at = output.wait_for("Watching exercises: save an exercise module to check it; Ctrl+C stops.", at)

    module = student_copy / "exercises" / "losses.py"
    module.write_text((ROOT / "solutions" / "losses.py").read_text())
    at = output.wait_for("✔ losses", at)  # the report of `grade check -e losses`
    at = output.wait_for("✔ losses passes its tests.", at)
    at = output.wait_for("1 of 6 exercises done", at)
    at = output.wait_for(f"Next: differentiation, in {os.path.join('exercises', 'differentiation.py')}", at)
    at = output.wait_for("Ctrl+C stops.", at)

    module.write_text(module.read_text() + "\nbroken = (\n")
    at = output.wait_for("SyntaxError", at)
    report = output.seen[at : output.wait_for("Ctrl+C stops.", at)]
    assert "passes its tests" not in report
    assert "differentiation" not in report  # only the saved module's exercise was checked

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    output.wait_for("Stopped watching.", at)
    assert "Traceback" not in output.seen


def test_a_path_that_is_no_exercise_module_is_one_line_and_status_2(student_copy: Path):
    (student_copy / "notes.py").write_text("")
    run = grade("watch", "notes.py", cwd=student_copy)
    assert run.code == 2
    assert run.stderr.startswith("grade: error: notes.py is not the module of an exercise (the modules are: losses.py")
    assert len(run.stderr.strip().splitlines()) == 1
    missing = grade("watch", "nowhere", cwd=student_copy)
    assert (missing.code, missing.stderr.strip()) == (2, "grade: error: nowhere does not exist")
