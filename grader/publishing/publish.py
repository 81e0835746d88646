"""`grade publish`: the course as an nbgrader course directory, with `release/` made by nbgrader itself.

DIR/course/                 the full course (course.yaml, every suite, the solutions): what `check` grades
                            with at autograde, found through $GRADE_COURSE, which nbgrader_config.py sets
DIR/nbgrader_config.py      that variable, and the settings below
DIR/source/<assignment>/    one notebook per exercise, and course/: the public part of the course, so that
                            the released notebooks can run their public tests on a student's machine
DIR/release/<assignment>/   written by nbgrader's generate_assignment (in process, through NbGraderAPI)
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading import runner
from grader.intake.submissions import notebook_name
from grader.model.course import COURSE_FILE, Course
from grader.publishing.notebook import COURSE_VARIABLE, SHIPPED_COURSE
from grader.publishing.notebooks import Tests, source_notebook
from grader.publishing.packaging import own_files

CONFIG_FILE = "nbgrader_config.py"
FULL_COURSE = "course"
# A warning that reaches a test cell's stderr (from code still running in the kernel) must not zero it.
WARNING_PATTERN = r"\w+Warning: "
_EXCEPTION_LINE = re.compile(r"^\s*([\w.]*(?:Error|Exception): .*)$", re.M)  # the first is the cause


def publish(course: Course, out: Path, assignment: str) -> list[Path]:
    """Write the nbgrader course directory OUT for COURSE, its notebooks in the run's language (the language
    COURSE was loaded in); returns the release notebooks."""
    if importlib.util.find_spec("nbgrader") is None:
        raise GradingError(_('grade publish needs nbgrader: pip install "dlfs-ch4-grader[instructor]"'))
    if not course.has_solutions:
        problem = _("{path} does not exist: the notebooks are made from the solutions")
        raise GradingError(problem.format(path=shown(course.solutions_dir)))
    source = out / "source" / assignment
    for replaced in (out / FULL_COURSE, source):
        if replaced.resolve() == course.root.resolve() or replaced.resolve() in course.root.resolve().parents:
            problem = _("--out {out} would replace {replaced}, which holds the course itself")
            raise GradingError(problem.format(out=shown(out), replaced=shown(replaced)))
    tests = exercise_tests(course)
    _copy_course(course, out / FULL_COURSE, hidden=True)
    shipped = _write_source(course, source, tests)
    settings = _nbgrader_settings(course, assignment, [p.relative_to(source).as_posix() for p in shipped])
    (out / CONFIG_FILE).write_text(_config_file(settings), encoding="utf-8")
    _generate_assignment(out, assignment, settings)
    release = out / "release" / assignment
    return [release / notebook_name(course, e) for e in course.exercises]


def _write_source(course: Course, source: Path, tests: dict[str, Tests]) -> list[Path]:
    """Write the source notebooks and the public part of the course beside them; returns the files shipped."""
    import nbformat

    _replace_dir(source)
    shipped = _copy_course(course, source / SHIPPED_COURSE, hidden=False)
    for exercise in course.exercises:
        notebook = source_notebook(course, exercise, tests[exercise.id])
        nbformat.write(notebook, str(source / notebook_name(course, exercise)))
    return shipped


def _nbgrader_settings(course: Course, assignment: str, shipped: list[str]) -> dict[str, dict]:
    """nbgrader's settings for this course, written to nbgrader_config.py and given to NbGraderAPI alike."""
    return {
        # the first test cell of a notebook grades the whole exercise: give it the course's whole budget
        "Execute": {"timeout": int(course.limits.submission_seconds) + 60},
        "IgnorePattern": {"enabled": True, "pattern": WARNING_PATTERN},
        # the files publish ships beside the notebooks never replace what a student handed in
        "Autograde": {"exclude_overwriting": {assignment: sorted(shipped)}},
    }


def exercise_tests(course: Course) -> dict[str, Tests]:
    """The tests of every exercise by name, each worth the share `grade check` gives it."""
    collected = runner.collect(course, list(course.exercises))
    tests = {}
    for exercise in course.exercises:
        public = collected.get((exercise.id, "public"), [])
        hidden = collected.get((exercise.id, "hidden"), [])
        total = len(public) + exercise.hidden_tests
        tests[exercise.id] = Tests(public, hidden, exercise.points / total if total else 0.0)
    return tests


def _copy_course(course: Course, target: Path, hidden: bool) -> list[Path]:
    """Copy course.yaml, the course's own files and the suites (with HIDDEN: the hidden suites and the solutions)
    to TARGET."""
    _replace_dir(target)
    files = [course.root / COURSE_FILE, *(e.public for e in course.exercises)]
    if hidden:
        files += [e.hidden for e in course.exercises if e.hidden is not None and e.hidden.is_file()]
        files += sorted(course.solutions_dir.glob("*.py"))
    copies = []
    for path in files:
        copies.append(target / path.resolve().relative_to(course.root.resolve()))
        copies[-1].parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copies[-1])
    for name, data in own_files(course).items():
        copies.append(target / name)
        copies[-1].parent.mkdir(parents=True, exist_ok=True)
        copies[-1].write_bytes(data)
    return copies


def _replace_dir(path: Path) -> None:
    """An empty PATH: what publish writes replaces what an earlier publish wrote, with nothing stale left."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def _config_file(settings: dict[str, dict]) -> str:
    """nbgrader_config.py: the course for the notebooks' check() and SETTINGS, which NbGraderAPI gets too."""
    lines = [
        '"""nbgrader settings written by `grade publish`: publish again rather than edit."""',
        "",
        "import os",
        "from pathlib import Path",
        "",
        "# The notebooks' check() grades with the full course (hidden suites, solutions) beside this file.",
        f'os.environ["{COURSE_VARIABLE}"] = str(Path(__file__).resolve().parent / "{FULL_COURSE}")',
        "",
        "c = get_config()  # noqa: F821",
    ]
    lines += [f"c.{section}.{key} = {value!r}" for section, values in settings.items() for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _generate_assignment(out: Path, assignment: str, settings: dict[str, dict]) -> None:
    """nbgrader's generate_assignment, in process: NbGraderAPI reads no config file, so it gets SETTINGS."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config(settings)
    config.CourseDirectory.root = str(out.resolve())
    # a new gradebook runs the `alembic` command from PATH, which lacks the venv's bin/ when it is not activated
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = NbGraderAPI(config=config).generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
        cause = _EXCEPTION_LINE.search(text)
        problem = cause.group(1) if cause else _("see its log")
        raise GradingError(_("nbgrader generate_assignment failed: {problem}").format(problem=problem))
