"""course.yaml: find it, read it, and check every key so that a mistake is named with its place."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _, course_text
from grader.core.terminal import shown

COURSE_FILE = "course.yaml"


@dataclass(frozen=True)
class Limits:
    """What one submission may use; the defaults suit a course of small numerical exercises on a small machine."""

    call_seconds: float = 10.0
    exercise_seconds: float = 30.0  # so that one hung exercise cannot use up the others' time
    submission_seconds: float = 120.0
    cpu_seconds: int = 120
    memory_mb: int = 2048
    processes: int = 64
    output_kb: int = 64
    disk_mb: int = 64  # what the worker may write: its tmpfs in namespace isolation, each file elsewhere


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    module: str
    functions: tuple[str, ...]
    points: float
    public: Path
    hidden: Path | None
    hidden_tests: int
    depends: tuple[str, ...]
    hints: tuple[str, ...]
    # per hint, what it answers: test names, or words of a failure's message (code reads alike in every language)
    hint_answers: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Course:
    root: Path
    title: str
    seed: int
    exercises_dir: Path
    solutions_dir: Path
    limits: Limits
    exercises: tuple[Exercise, ...] = field(default=())
    probes: Path | None = None  # the module of functions, scenarios and data the suites hand to student code
    helpers: tuple[Path, ...] = ()  # modules the suites import by name, run in the grader only (e.g. mistakes)
    pictures: Path | None = None  # the module of what `grade plot` and the notebooks draw
    locale: Path | None = None  # the course's own catalogs: <lang>/LC_MESSAGES/course.po
    assignment: str = "assignment"  # its name as an nbgrader assignment (`grade publish`)

    def own_files(self) -> list[Path]:
        """The course's own files that course.yaml names: its probes, helpers and pictures modules, and every
        file of its `locale` directory, in a stable order."""
        modules = [path for path in (self.probes, *self.helpers, self.pictures) if path is not None]
        catalogs = [p for p in self.locale.rglob("*") if p.is_file()] if self.locale is not None else []
        return sorted(modules) + sorted(p for p in catalogs if "__pycache__" not in p.parts)

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise GradingError(
            _("no exercise {id} in {path} (there are: {known})").format(
                id=repr(exercise_id), path=shown(self.root / COURSE_FILE), known=known
            )
        )

    @property
    def has_solutions(self) -> bool:
        return self.solutions_dir.is_dir()


def find_course(start: Path) -> Path:
    """The nearest directory at or above `start` that holds course.yaml, as git finds its repository."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / COURSE_FILE).is_file():
            return directory
    raise GradingError(
        _("no {file} in {start} or any parent directory (use --course DIR)").format(file=COURSE_FILE, start=start)
    )


def load_course(root: Path, lang: str | None = None) -> Course:
    """Read and validate ROOT/course.yaml; its titles and hints in LANG (default: the run's language)."""
    import yaml

    path = root / COURSE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GradingError(_("cannot read {path}: {reason}").format(path=shown(path), reason=exc.strerror)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" at line {line}, column {column}").format(line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GradingError(
            _("{path}{where}: not valid YAML: {problem}").format(path=shown(path), where=where, problem=problem)
        ) from None
    return _Reader(path, lang).course(root, data)


class _Reader:
    """Checks the YAML data key by key; every complaint names the file and the key's path."""

    def __init__(self, path: Path, lang: str | None) -> None:
        self.path, self.lang = path, lang

    def text(self, message: str) -> str:
        """A title or hint of the course in the reader's language (the `course` gettext domain)."""
        return course_text(message, self.lang)

    def fail(self, where: str, problem: str) -> GradingError:
        return GradingError(f"{shown(self.path)}: {where}: {problem}")

    def mapping(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, _("expected a mapping, got {value}").format(value=_kind(data)))
        known = required | optional
        for key in sorted(data.keys() - known, key=str):  # before missing keys: `pionts` is a typo of `points`
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            if close:
                raise self.fail(f"{where}.{key}", _("unknown key (did you mean {key}?)").format(key=repr(close[0])))
            allowed = ", ".join(sorted(known))
            raise self.fail(f"{where}.{key}", _("unknown key (allowed: {allowed})").format(allowed=allowed))
        for key in sorted(required - data.keys()):
            raise self.fail(where, _("missing key {key}").format(key=repr(key)))
        return data

    def value(self, data: dict, key: str, where: str, kind: type | tuple, default: Any = None) -> Any:
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(f"{where}.{key}", _("expected {kind}, got a boolean").format(kind=_expected(kind)))
        if not isinstance(value, kind):
            raise self.fail(
                f"{where}.{key}", _("expected {kind}, got {value}").format(kind=_expected(kind), value=_kind(value))
            )
        return value

    def positive(self, data: dict, key: str, where: str, default: float | None = None) -> float:
        value = self.value(data, key, where, (int, float), default)
        if value is None or value <= 0:
            raise self.fail(f"{where}.{key}", _("expected a positive number, got {value}").format(value=repr(value)))
        return value

    def strings(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        items = self.value(data, key, where, list, [])
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(
                    f"{where}.{key}[{index}]", _("expected a non-empty string, got {value}").format(value=_kind(item))
                )
        return tuple(items)

    def course(self, root: Path, data: Any) -> Course:
        optional = {"seed", "layout", "limits", "probes", "helpers", "pictures", "locale", "assignment"}
        data = self.mapping(data, "top level", {"title", "exercises"}, optional)
        locale = self.own(root, data, "locale", "")
        i18n.use_course_locale(locale)  # the course's titles and hints, read next, come from its own catalogs
        layout = self.mapping(data.get("layout", {}), "layout", set(), {"exercises", "solutions"})
        exercises_data = self.value(data, "exercises", "top level", list)
        if not exercises_data:
            raise self.fail("exercises", _("the course lists no exercises"))
        exercises = tuple(self.exercise(root, item, f"exercises[{i}]") for i, item in enumerate(exercises_data))
        self.check_references(exercises)
        return Course(
            root=root,
            title=self.text(self.value(data, "title", "top level", str)),
            seed=self.value(data, "seed", "top level", int, 0),
            exercises_dir=self.folder(root, layout, "exercises"),
            solutions_dir=self.folder(root, layout, "solutions"),
            limits=self.limits(data.get("limits", {})),
            exercises=exercises,
            probes=self.own(root, data, "probes", ".py"),
            helpers=self.helpers(root, data, exercises),
            pictures=self.own(root, data, "pictures", ".py"),
            locale=locale,
            assignment=self.value(data, "assignment", "top level", str, root.resolve().name),
        )

    def own(self, root: Path, data: dict, key: str, suffix: str) -> Path | None:
        """The course's own file (a module when SUFFIX is .py) or directory named by KEY, which must exist."""
        value = self.value(data, key, "top level", str)
        if value is None:
            return None
        if suffix:
            return self.module(root, value, key)
        path = root / value
        if not path.is_dir() or not _inside(path, root):
            raise self.fail(key, _("{path} is not a directory of the course").format(path=value))
        return path

    def module(self, root: Path, value: str, where: str) -> Path:
        """VALUE (in course.yaml, at WHERE), which must name a Python module of the course at ROOT (inside its
        directory: it travels with the course to students, Gradescope and cluster workers)."""
        path = root / value
        if not (path.is_file() and path.suffix == ".py" and path.stem.isidentifier() and _inside(path, root)):
            raise self.fail(where, _("{path} is not a Python module of the course").format(path=value))
        return path

    def helpers(self, root: Path, data: dict, exercises: tuple[Exercise, ...]) -> tuple[Path, ...]:
        """The modules the suites import by name: each a module of the course, no two with one name, and none
        named like the probes module or a module of the exercises (the suites would import the wrong one)."""
        paths = [
            self.module(root, value, f"helpers[{index}]")
            for index, value in enumerate(self.strings(data, "helpers", "top level"))
        ]
        taken = {Path(str(data.get("probes", ""))).stem} | {e.module for e in exercises}
        for index, path in enumerate(paths):
            if path.stem in taken:
                raise self.fail(
                    f"helpers[{index}]",
                    _("{name} is the name of another module of the course").format(name=repr(path.stem)),
                )
            taken.add(path.stem)
        return tuple(paths)

    def limits(self, data: Any) -> Limits:
        defaults = Limits()
        names = set(Limits.__dataclass_fields__)
        data = self.mapping(data, "limits", set(), names)
        values = {name: self.positive(data, name, "limits", getattr(defaults, name)) for name in names}
        return Limits(**values)

    def exercise(self, root: Path, data: Any, where: str) -> Exercise:
        required = {"id", "title", "module", "functions", "points", "public"}
        data = self.mapping(data, where, required, {"hidden", "hidden_tests", "depends", "hints"})
        exercise_id = self.value(data, "id", where, str)
        if not exercise_id.isidentifier():
            raise self.fail(
                f"{where}.id", _("{id} is not a valid name (letters, digits, _)").format(id=repr(exercise_id))
            )
        hints = self.hints(data, where)
        module = self.value(data, "module", where, str)
        if not module.isidentifier():
            raise self.fail(f"{where}.module", _("{module} is not a Python module name").format(module=repr(module)))
        hidden = self.suite(root, data["hidden"], f"{where}.hidden") if "hidden" in data else None
        hidden_tests = self.value(data, "hidden_tests", where, int, 0)
        if hidden and hidden_tests <= 0:
            raise self.fail(f"{where}.hidden_tests", _("a hidden suite needs its number of tests (a positive integer)"))
        return Exercise(
            id=exercise_id,
            title=self.text(self.value(data, "title", where, str)),
            module=module,
            functions=self.strings(data, "functions", where),
            points=self.positive(data, "points", where),
            public=self.suite(root, data["public"], f"{where}.public"),
            hidden=hidden,
            hidden_tests=hidden_tests,
            depends=self.strings(data, "depends", where),
            hints=tuple(self.text(text) for text, _answers in hints),
            hint_answers=tuple(answers for _text, answers in hints),
        )

    def hints(self, data: dict, where: str) -> list[tuple[str, tuple[str, ...]]]:
        """The hints of an exercise, each a string, or a mapping {hint: the text, answers: what it answers}."""
        items = self.value(data, "hints", where, list, [])
        hints = []
        for index, item in enumerate(items):
            at = f"{where}.hints[{index}]"
            if isinstance(item, dict):
                item = self.mapping(item, at, {"hint"}, {"answers"})
                hints.append((self.value(item, "hint", at, str), self.strings(item, "answers", at)))
            elif isinstance(item, str) and item.strip():
                hints.append((item, ()))
            else:
                raise self.fail(at, _("expected a non-empty string, got {value}").format(value=_kind(item)))
        return hints

    def suite(self, root: Path, value: Any, where: str) -> Path:
        """A suite course.yaml names: it must exist, or the course would grade out of fewer points than it says."""
        if not isinstance(value, str):
            raise self.fail(where, _("expected a path, got {value}").format(value=_kind(value)))
        path = root / value
        if not path.is_file():
            raise self.fail(where, _("{path} does not exist").format(path=value))
        return path

    def folder(self, root: Path, layout: dict, key: str) -> Path:
        """The layout's folder KEY (default: its own name); one that course.yaml names must exist."""
        path = root / self.value(layout, key, "layout", str, key)
        if key in layout and not path.is_dir():
            raise self.fail(f"layout.{key}", _("{path} does not exist").format(path=layout[key]))
        return path

    def check_references(self, exercises: tuple[Exercise, ...]) -> None:
        seen: set[str] = set()
        for index, exercise in enumerate(exercises):
            if exercise.id in seen:
                raise self.fail(f"exercises[{index}].id", _("{id} is used twice").format(id=repr(exercise.id)))
            for dep in exercise.depends:
                if dep not in seen:
                    raise self.fail(
                        f"exercises[{index}].depends",
                        _("{id} is not an exercise listed before it").format(id=repr(dep)),
                    )
            seen.add(exercise.id)


def _kind(value: Any) -> str:
    return _("nothing") if value is None else f"{type(value).__name__} {value!r}"[:80]


def _expected(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: _("an integer"), float: _("a number"), str: _("a string"), list: _("a list"), dict: _("a mapping")}
    return _(" or ").join(names.get(k, k.__name__) for k in kinds)


def _inside(path: Path, root: Path) -> bool:
    """Whether PATH is named inside the course directory ROOT (no `..` out of it; a link the instructor put in the
    course is part of it)."""
    return Path(os.path.normpath(path)).is_relative_to(os.path.normpath(root))
