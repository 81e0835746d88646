"""What a published notebook calls in its Jupyter kernel (see `grade publish`).

`check(exercise, test)` grades the saved notebooks of the kernel's folder with `grade check` in a
subprocess, and `show(picture)` draws them with `grade plot` in one: the student's code runs in the grader's
worker there, with its limits, not in this kernel, so the kernel sees only a verdict or a picture, and a
warning or a print of the student's code never lands in a test cell's output. One grading run per exercise
and code serves all its test cells. `import_notebooks()` lets a notebook import another exercise's module,
which is then read from the student's notebook of that exercise.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from grader.core.errors import GradingError
from grader.intake import submissions
from grader.model.course import COURSE_FILE, Course, find_course, load_course

COURSE_VARIABLE = "GRADE_COURSE"  # the full course at autograde; publish's nbgrader_config.py sets it
SHIPPED_COURSE = "course"  # the public copy of the course that the release carries beside the notebooks

_reports: dict[str, dict] = {}


def check(exercise_id: str, test: str) -> None:
    """Return quietly when TEST of the exercise passes on the saved notebooks; else raise AssertionError."""
    course = _course()
    report = _grade(course, exercise_id)
    result = next((t for t in report["tests"] if t["name"] == test), None)
    if result is None:
        where = "runs only at grading" if report["pending"]["tests"] else f"is not in the suites of {course.root}"
        raise AssertionError(f"the test {test} of {exercise_id} {where}")
    if result["status"] != "passed":
        raise AssertionError(result["message"])


def show(picture: str) -> None:
    """Draw the course's PICTURE of the saved notebooks' code as `grade plot` does, in a subprocess
    whose worker runs the student's code with the course's limits, and display the PNG. At autograde nothing
    runs: a picture earns no points."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return
    course = _course()
    modules = submissions.folder_modules(Path.cwd(), course)
    with tempfile.TemporaryDirectory(prefix="grade-nb-") as code, tempfile.TemporaryDirectory() as drawn:
        submissions.write_modules(modules, Path(code))
        png = Path(drawn) / f"{picture}.png"
        command = [sys.executable, "-m", "grader", "plot", picture, code, "--course", str(course.root)]
        done = subprocess.run(
            [*command, "--out", str(png)], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            print(lines[-1] if lines else f"grade plot ended with exit status {done.returncode}")
            return
        from IPython.display import Image, display

        display(Image(png.read_bytes()))


def import_notebooks() -> None:
    """Let `import <module>` of an exercise load the code of that exercise's notebook in this folder."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _NotebookFinder)]
    sys.meta_path.insert(0, _NotebookFinder(Path.cwd(), _course()))


def _course() -> Course:
    """$GRADE_COURSE, else the course shipped beside the notebooks, else the nearest course.yaml."""
    value = os.environ.get(COURSE_VARIABLE)
    if value:
        return load_course(Path(value))
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise GradingError(
            f"${COURSE_VARIABLE} is not set: run nbgrader in the directory `grade publish` wrote, "
            "whose nbgrader_config.py sets it to the full course"
        )
    shipped = Path.cwd() / SHIPPED_COURSE
    return load_course(shipped if (shipped / COURSE_FILE).is_file() else find_course(Path.cwd()))


def _grade(course: Course, exercise_id: str) -> dict:
    """The JSON report of one exercise on this folder's notebooks, graded once per code and course."""
    modules = submissions.folder_modules(Path.cwd(), course)
    seed = os.environ.get("GRADE_SEED")
    key = hashlib.sha256(json.dumps([str(course.root), exercise_id, seed, sorted(modules.items())]).encode())
    if key.hexdigest() not in _reports:
        _reports[key.hexdigest()] = _run_grade_check(course, exercise_id, modules)
    return _reports[key.hexdigest()]


def _run_grade_check(course: Course, exercise_id: str, modules: dict[str, str]) -> dict:
    """`grade check --format json -e EXERCISE_ID` on MODULES, in a subprocess; its one exercise's report."""
    with tempfile.TemporaryDirectory(prefix="grade-nb-") as directory:
        submissions.write_modules(modules, Path(directory))
        command = [sys.executable, "-m", "grader", "check", directory, "--course", str(course.root)]
        done = subprocess.run(
            [*command, "--format", "json", "-e", exercise_id],
            capture_output=True,
            encoding="utf-8",  # whatever the code page (cp1252, cp932 on Windows): the report says it all
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if done.returncode not in (0, 1):
        lines = done.stderr.strip().splitlines()
        raise GradingError(lines[-1] if lines else f"grade check ended with exit status {done.returncode}")
    return json.loads(done.stdout)["exercises"][0]


class _NotebookFinder(importlib.abc.MetaPathFinder):
    """Finds an exercise's module in its notebook in FOLDER (the folder of the notebooks)."""

    def __init__(self, folder: Path, course: Course) -> None:
        self.folder, self.course = folder, course

    def find_spec(self, name: str, path, target=None) -> importlib.machinery.ModuleSpec | None:
        """A spec for a top-level module whose exercise has a notebook in the folder; else None."""
        if path is not None:
            return None
        for notebook in sorted(self.folder.glob("*" + submissions.NOTEBOOK_SUFFIX)):
            exercise = submissions.exercise_of(notebook, self.course)
            if exercise is not None and exercise.module == name:
                return importlib.util.spec_from_loader(name, _NotebookLoader(notebook), origin=str(notebook))
        return None


class _NotebookLoader(importlib.abc.Loader):
    """Runs the code of a notebook's answer and imports cells as a module."""

    def __init__(self, notebook: Path) -> None:
        self.notebook = notebook

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        code = compile(submissions.module_source(self.notebook), str(self.notebook), "exec")
        exec(code, module.__dict__)
