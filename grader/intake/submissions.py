"""What a path to grade holds, as directories of exercise modules: a directory of modules as it is, or the
code of notebooks (one notebook, a folder of them, or an nbgrader `submitted/<student>/<assignment>/` tree)
written out as one module per exercise.

A notebook's module is the code of its answer cells (nbgrader solution cells) and of its locked imports
cell, in notebook order; test cells, the set-up cell and cells a student added are not part of it. Both
`grade check` and the notebooks' own `check` helper read notebooks through this module, so the two grade
the same code. It reads the JSON itself: `grade check` needs no Jupyter package.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import Course, Exercise

NOTEBOOK_SUFFIX = ".ipynb"
IMPORTS_CELL = "imports"  # the grade_id of the locked cell that holds a module's imports
_DOWNLOAD_COPY = re.compile(r" \(\d+\)(?=\.ipynb$)")
_NOT_WRITTEN = ("__MACOSX", "__pycache__", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Submission:
    """One submission to grade: a directory of modules, whose it is when a tree holds several, and the
    exercises it answers when it is one notebook (else all)."""

    directory: Path
    student: str | None = None
    assignment: str | None = None
    exercises: tuple[str, ...] = ()


def notebook_name(course: Course, exercise: Exercise) -> str:
    """The notebook file of an exercise: numbered in course order, so a folder lists (and nbgrader runs)
    the notebooks in the order they build on each other."""
    return f"{course.exercises.index(exercise) + 1:02d}_{exercise.id}{NOTEBOOK_SUFFIX}"


def exercise_of(notebook: Path, course: Course) -> Exercise | None:
    """The exercise a notebook answers, by its name (`03_gradient.ipynb`, or just `gradient.ipynb`), also as a
    browser saves a second download of it (`03_gradient (1).ipynb`)."""
    name = _DOWNLOAD_COPY.sub("", notebook.name)
    for exercise in course.exercises:
        if name in (notebook_name(course, exercise), exercise.id + NOTEBOOK_SUFFIX):
            return exercise
    return None


def locate(folder: Path, course: Course) -> Path | None:
    """The folder that holds the exercise modules or notebooks: FOLDER itself when they lie in it, else the
    shallowest folder inside it that holds one (an upload in a folder, nbgrader's <student>/<assignment>/);
    None when there is none."""
    if not folder.is_dir():
        return None
    nested = sorted((d for d in folder.rglob("*") if d.is_dir() and not ignored(d.relative_to(folder))), key=_depth)
    for candidate in (folder, *nested):
        if any(_answers(path, course) for path in candidate.iterdir()):
            return candidate
    return None


def received(folder: Path, limit: int = 10) -> str:
    """What FOLDER holds, for a person: `README.md, Gradient.py`, at most LIMIT names, or `nothing`."""
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    names = [n for n in names if not ignored(Path(n))]
    shown = ", ".join(names[:limit]) + (", …" if len(names) > limit else "")
    return shown or _("nothing")


def missing(folder: Path, course: Course) -> str:
    """One line naming the exercises FOLDER has no module or notebook for, and what it holds instead; "" when
    every exercise has one."""
    absent = [e for e in course.exercises if not _answered(folder, course, e)]
    if not absent:
        return ""
    names = ", ".join(f"{e.module}.py ({notebook_name(course, e)})" for e in absent)
    return _("Missing: {names}. Received: {received}. Names are case-sensitive.").format(
        names=names, received=received(folder)
    )


def _answers(path: Path, course: Course) -> bool:
    """True when PATH is an exercise's module or notebook."""
    if not path.is_file():
        return False
    return path.name in {f"{e.module}.py" for e in course.exercises} or (
        path.suffix == NOTEBOOK_SUFFIX and exercise_of(path, course) is not None
    )


def _answered(folder: Path, course: Course, exercise: Exercise) -> bool:
    return (folder / f"{exercise.module}.py").is_file() or any(
        exercise_of(n, course) == exercise for n in folder.glob("*" + NOTEBOOK_SUFFIX)
    )


def ignored(relative: Path) -> bool:
    """A path that no student wrote: a hidden file, macOS's zip metadata, Python's caches."""
    return any(part.startswith(".") or part in _NOT_WRITTEN for part in relative.parts)


def _depth(path: Path) -> tuple[int, Path]:
    return len(path.parts), path


def module_source(notebook: Path) -> str:
    """The module a notebook's answer and imports cells make, in notebook order."""
    parts = [_source(cell) for cell in _cells(notebook) if _is_module_code(cell)]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def folder_modules(folder: Path, course: Course) -> dict[str, str]:
    """Module name → source for every exercise notebook directly inside FOLDER."""
    modules = {}
    for notebook in sorted(folder.glob("*" + NOTEBOOK_SUFFIX)):
        exercise = exercise_of(notebook, course)
        if exercise is not None:
            modules[exercise.module] = module_source(notebook)
    return modules


def write_modules(modules: dict[str, str], directory: Path) -> Path:
    """Write each module as DIRECTORY/<name>.py; returns DIRECTORY."""
    directory.chmod(0o755)  # a namespace worker reads it as an unprivileged user (see grader.grading.sandbox)
    for name, source in modules.items():
        (directory / f"{name}.py").write_text(source, encoding="utf-8")
    return directory


@contextlib.contextmanager
def opened(path: Path, course: Course) -> Iterator[list[Submission]]:
    """The submissions at PATH, each a directory of modules; notebooks are written to temporary ones."""
    with contextlib.ExitStack() as stack:

        def extracted(modules: dict[str, str]) -> Path:
            return write_modules(modules, Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grade-nb-"))))

        if path.is_file():
            exercise = _exercise_of_file(path, course)
            yield [Submission(extracted({exercise.module: module_source(path)}), exercises=(exercise.id,))]
        elif _has_notebooks(path, course):
            yield [Submission(extracted(folder_modules(path, course)))]
        else:
            trees = _submitted_tree(path, course)
            if trees:
                yield [Submission(extracted(folder_modules(d, course)), d.parent.name, d.name) for d in trees]
            else:
                _refuse_misnamed_notebooks(path, course)
                yield [Submission(path)]


def _exercise_of_file(path: Path, course: Course) -> Exercise:
    """The exercise a notebook file answers, or a GradingError that lists the names it may have."""
    if path.suffix != NOTEBOOK_SUFFIX:
        raise GradingError(
            _("{path} is not a directory of exercise modules, nor a notebook or a folder of them").format(
                path=shown(path)
            )
        )
    exercise = exercise_of(path, course)
    if exercise is None:
        names = ", ".join(notebook_name(course, e) for e in course.exercises)
        raise GradingError(
            _("{name} is not the notebook of an exercise: name it as published ({names})").format(
                name=path.name, names=names
            )
        )
    return exercise


def _refuse_misnamed_notebooks(folder: Path, course: Course) -> None:
    """A folder of notebooks, none named as an exercise's and without modules, is one mistake: say it once (not
    "X.py is missing" for every test of every exercise)."""
    notebooks = sorted(n.name for n in folder.glob("*" + NOTEBOOK_SUFFIX))
    if not notebooks or any((folder / f"{e.module}.py").is_file() for e in course.exercises):
        return
    raise GradingError(
        _(
            "{path} holds notebooks ({found}) but none is named as an exercise's: name them as published ({names})"
        ).format(
            path=folder,
            found=", ".join(notebooks),
            names=", ".join(notebook_name(course, e) for e in course.exercises),
        )
    )


def _has_notebooks(folder: Path, course: Course) -> bool:
    """True when FOLDER holds the notebook of at least one exercise."""
    return any(exercise_of(n, course) for n in folder.glob("*" + NOTEBOOK_SUFFIX))


def _submitted_tree(root: Path, course: Course) -> list[Path]:
    """The `<student>/<assignment>/` folders under ROOT that hold exercise notebooks, as nbgrader lays them out."""
    return [d for d in sorted(root.glob("*/*")) if d.is_dir() and _has_notebooks(d, course)]


def _cells(notebook: Path) -> list[dict]:
    """The cells of a notebook file, or a GradingError naming what is wrong with it."""
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GradingError(
            _("cannot read {path}: {reason}").format(path=shown(notebook), reason=exc.strerror)
        ) from None
    except UnicodeDecodeError:
        raise GradingError(_("{path} is not a notebook: it is not UTF-8 text").format(path=shown(notebook))) from None
    except json.JSONDecodeError as exc:
        raise GradingError(
            _("{path} is not a readable notebook: broken JSON at line {line}, column {column}").format(
                path=shown(notebook), line=exc.lineno, column=exc.colno
            )
        ) from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise GradingError(_("{path} is not a readable notebook: it has no list of cells").format(path=shown(notebook)))
    return cells


def _is_module_code(cell: dict) -> bool:
    """True for an answer cell or the locked imports cell: what a .py module of the exercise would hold."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") != "code" or not isinstance(meta, dict):
        return False
    return bool(meta.get("solution")) or meta.get("grade_id") == IMPORTS_CELL


def _source(cell: dict) -> str:
    """A cell's source, which nbformat stores as a string or as a list of lines."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)
