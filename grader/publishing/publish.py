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
import secrets
import shutil
import sys
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading import runner
from grader.intake.submissions import notebook_name
from grader.model.course import COURSE_FILE, Course
from grader.model.results import shares
from grader.publishing.notebook import COURSE_VARIABLE, SHIPPED_COURSE
from grader.publishing.notebooks import Tests, source_notebook
from grader.publishing.packaging import (
    course_files,
    hidden_messages,
    own_files,
    public_course_yaml,
    public_grader,
    source_archive,
    withhold_messages,
)

CONFIG_FILE = "nbgrader_config.py"
README = "README.md"
CONFIG_HEADER = '"""nbgrader settings written by `grade publish`: publish again rather than edit."""'
FULL_COURSE = "course"
# A warning that reaches a test cell's stderr (from code still running in the kernel) must not zero it.
WARNING_PATTERN = r"\w+Warning: "
_EXCEPTION_LINE = re.compile(r"^\s*([\w.]*(?:Error|Exception): .*)$", re.M)  # the first is the cause


def publish(course: Course, out: Path, assignment: str, seed: int | None = None) -> list[Path]:
    """Write the nbgrader course directory OUT for COURSE, its notebooks in the run's language (the language
    COURSE was loaded in), its hidden inputs drawn from SEED (default: an earlier publish's, else a new random
    one; kept in OUT/course, never in release/); returns the release notebooks."""
    if importlib.util.find_spec("nbgrader") is None:
        raise GradingError(_('grade publish needs nbgrader: pip install "dlfs-ch4-grader[instructor]"'))
    if not course.has_solutions:
        problem = _("{path} does not exist: the notebooks are made from the solutions")
        raise GradingError(problem.format(path=shown(course.solutions_dir)))
    _refuse_foreign(out)
    source = out / "source" / assignment
    for replaced in (out / FULL_COURSE, source):
        if replaced.resolve() == course.root.resolve() or replaced.resolve() in course.root.resolve().parents:
            problem = _("--out {out} would replace {replaced}, which holds the course itself")
            raise GradingError(problem.format(out=shown(out), replaced=shown(replaced)))
    tests = exercise_tests(course)
    seed = seed if seed is not None else _earlier_seed(out / FULL_COURSE / COURSE_FILE)
    _copy_course(course, out / FULL_COURSE, hidden=True)
    _keep_seed(out / FULL_COURSE / COURSE_FILE, secrets.randbelow(2**31) if seed is None else seed)
    shipped = _write_source(course, source, tests)
    settings = _nbgrader_settings(course, assignment, [p.relative_to(source).as_posix() for p in shipped])
    (out / CONFIG_FILE).write_text(_config_file(settings), encoding="utf-8")
    _generate_assignment(out, assignment, settings)
    release = out / "release" / assignment
    return [release / notebook_name(course, e) for e in course.exercises]


def _refuse_foreign(out: Path) -> None:
    """OUT must be new, empty, or a course directory that publish wrote (its nbgrader_config.py says so):
    publish replaces folders in it, which must not hit a folder of something else."""
    if out.exists() and not out.is_dir():
        raise GradingError(_("{out} is a file, not a directory").format(out=out))
    if not out.exists() or not any(out.iterdir()):
        return
    try:
        ours = (out / CONFIG_FILE).read_text(encoding="utf-8").startswith(CONFIG_HEADER)
    except (OSError, UnicodeDecodeError):
        ours = False
    if not ours:
        problem = _(
            "{out} is not empty and holds no earlier publish (no {config} that grade publish wrote): "
            "choose a new directory"
        )
        raise GradingError(problem.format(out=out, config=CONFIG_FILE))


def _earlier_seed(course_yaml: Path) -> int | None:
    """The seed an earlier publish kept in its copy of the course, so that publishing again changes no grade."""
    import yaml

    try:
        seed = yaml.safe_load(course_yaml.read_text(encoding="utf-8")).get("seed")
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _keep_seed(course_yaml: Path, seed: int) -> None:
    """Put SEED into the full course's copy: nbgrader's autograde (through $GRADE_COURSE) and `grade check
    submitted --course DIR/course` then draw the same hidden inputs, and the release's copy never holds it."""
    import yaml

    data = yaml.safe_load(course_yaml.read_text(encoding="utf-8"))
    data["seed"] = seed
    header = "# The course as `grade publish` copied it, with the secret seed of the hidden inputs.\n"
    course_yaml.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000))


def _write_source(course: Course, source: Path, tests: dict[str, Tests]) -> list[Path]:
    """Write the source notebooks, the public part of the course beside them, the grader as an archive that
    pip installs, and a README that says how; returns the files shipped."""
    import nbformat

    _replace_dir(source)
    shipped = _copy_course(course, source / SHIPPED_COURSE, hidden=False)
    for exercise in course.exercises:
        notebook = source_notebook(course, exercise, tests[exercise.id])
        nbformat.write(notebook, str(source / notebook_name(course, exercise)))
    archive, data = source_archive(public_grader(course))
    (source / archive).write_bytes(data)
    (source / README).write_text(_readme(course, archive), encoding="utf-8")
    return [*shipped, source / archive, source / README]


def _readme(course: Course, archive: str) -> str:
    """The release's README: how a student's Jupyter kernel gets the grader the notebooks import."""
    install = _(
        "The notebooks need the grader in the Jupyter kernel that runs them. Install it once, from a cell of "
        "a notebook in this folder, then restart the kernel:"
    )
    after = _(
        "`[plot]` adds matplotlib, for the pictures. Save a notebook before you run its test cells: they grade "
        "the saved notebooks."
    )
    return f'# {course.title}\n\n{install}\n\n```\n%pip install "./{archive}[plot]"\n```\n\n{after}\n'


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
    """The tests of every exercise by name, each worth the share `grade check` gives it (results.shares)."""
    collected = runner.collect(course, list(course.exercises))
    tests = {}
    for exercise in course.exercises:
        public = collected.get((exercise.id, "public"), [])
        hidden = collected.get((exercise.id, "hidden"), [])
        tests[exercise.id] = Tests(public, hidden, shares(exercise.points, len(public) + exercise.hidden_tests))
    return tests


def _copy_course(course: Course, target: Path, hidden: bool) -> list[Path]:
    """Copy the suites and the course's own files to TARGET, with HIDDEN also course.yaml, the hidden suites and
    the solutions; without, course.yaml names no hidden suite and no solutions, as in a student's repository."""
    _replace_dir(target)
    files = [*(e.public for e in course.exercises)]
    if hidden:
        files += [course.root / COURSE_FILE, *(e.hidden for e in course.exercises if e.hidden is not None)]
        files += sorted(course.solutions_dir.glob("*.py"))
    else:
        (target / COURSE_FILE).write_text(public_course_yaml(course), encoding="utf-8")
    copies = [] if hidden else [target / COURSE_FILE]
    for path in files:
        copies.append(target / path.resolve().relative_to(course.root.resolve()))
        copies[-1].parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copies[-1])
    own = own_files(course)
    if not hidden:  # the course's catalogs without what only a hidden suite says
        own = withhold_messages(own, hidden_messages(course, course_files(course, secret=False)))
    for name, data in own.items():
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
        CONFIG_HEADER,
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
