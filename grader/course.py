"""course.yaml: find it, read it, and check every key so that a mistake is named with its place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import GradingError

COURSE_FILE = "course.yaml"


@dataclass(frozen=True)
class Limits:
    """What one submission may use; the defaults suit the chapter 4 course on a small machine."""

    call_seconds: float = 10.0
    submission_seconds: float = 120.0
    cpu_seconds: int = 120
    memory_mb: int = 2048
    processes: int = 64
    output_kb: int = 64


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


@dataclass(frozen=True)
class Course:
    root: Path
    title: str
    seed: int
    exercises_dir: Path
    solutions_dir: Path
    limits: Limits
    exercises: tuple[Exercise, ...] = field(default=())

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise GradingError(f"no exercise {exercise_id!r} in {self.root / COURSE_FILE} (there are: {known})")

    @property
    def has_solutions(self) -> bool:
        return self.solutions_dir.is_dir()


def find_course(start: Path) -> Path:
    """The nearest directory at or above `start` that holds course.yaml, as git finds its repository."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / COURSE_FILE).is_file():
            return directory
    raise GradingError(f"no {COURSE_FILE} in {start} or any parent directory (use --course DIR)")


def load_course(root: Path) -> Course:
    """Read and validate ROOT/course.yaml."""
    import yaml

    path = root / COURSE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GradingError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GradingError(f"{path}{where}: not valid YAML: {problem}") from None
    return _Reader(path).course(root, data)


class _Reader:
    """Checks the YAML data key by key; every complaint names the file and the key's path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> GradingError:
        return GradingError(f"{self.path}: {where}: {problem}")

    def mapping(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, f"expected a mapping, got {_kind(data)}")
        for key in sorted(required - data.keys()):
            raise self.fail(where, f"missing key {key!r}")
        for key in sorted(data.keys() - required - optional, key=str):
            allowed = ", ".join(sorted(required | optional))
            raise self.fail(f"{where}.{key}", f"unknown key (allowed: {allowed})")
        return data

    def value(self, data: dict, key: str, where: str, kind: type | tuple, default: Any = None) -> Any:
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(f"{where}.{key}", f"expected {_expected(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise self.fail(f"{where}.{key}", f"expected {_expected(kind)}, got {_kind(value)}")
        return value

    def positive(self, data: dict, key: str, where: str, default: float | None = None) -> float:
        value = self.value(data, key, where, (int, float), default)
        if value is None or value <= 0:
            raise self.fail(f"{where}.{key}", f"expected a positive number, got {value!r}")
        return value

    def strings(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        items = self.value(data, key, where, list, [])
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}.{key}[{index}]", f"expected a non-empty string, got {_kind(item)}")
        return tuple(items)

    def course(self, root: Path, data: Any) -> Course:
        data = self.mapping(data, "top level", {"title", "exercises"}, {"seed", "layout", "limits"})
        layout = self.mapping(data.get("layout", {}), "layout", set(), {"exercises", "solutions"})
        exercises_data = self.value(data, "exercises", "top level", list)
        if not exercises_data:
            raise self.fail("exercises", "the course lists no exercises")
        exercises = tuple(self.exercise(root, item, f"exercises[{i}]") for i, item in enumerate(exercises_data))
        self.check_references(exercises)
        return Course(
            root=root,
            title=self.value(data, "title", "top level", str),
            seed=self.value(data, "seed", "top level", int, 0),
            exercises_dir=root / self.value(layout, "exercises", "layout", str, "exercises"),
            solutions_dir=root / self.value(layout, "solutions", "layout", str, "solutions"),
            limits=self.limits(data.get("limits", {})),
            exercises=exercises,
        )

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
            raise self.fail(f"{where}.id", f"{exercise_id!r} is not a valid name (letters, digits, _)")
        module = self.value(data, "module", where, str)
        if not module.isidentifier():
            raise self.fail(f"{where}.module", f"{module!r} is not a Python module name")
        hidden = self.value(data, "hidden", where, str)
        hidden_tests = self.value(data, "hidden_tests", where, int, 0)
        if hidden and hidden_tests <= 0:
            raise self.fail(f"{where}.hidden_tests", "a hidden suite needs its number of tests (a positive integer)")
        return Exercise(
            id=exercise_id,
            title=self.value(data, "title", where, str),
            module=module,
            functions=self.strings(data, "functions", where),
            points=self.positive(data, "points", where),
            public=self.suite(root, data["public"], f"{where}.public"),
            hidden=root / hidden if hidden else None,
            hidden_tests=hidden_tests,
            depends=self.strings(data, "depends", where),
            hints=self.strings(data, "hints", where),
        )

    def suite(self, root: Path, value: Any, where: str) -> Path:
        if not isinstance(value, str):
            raise self.fail(where, f"expected a path, got {_kind(value)}")
        path = root / value
        if not path.is_file():
            raise self.fail(where, f"{value} does not exist")
        return path

    def check_references(self, exercises: tuple[Exercise, ...]) -> None:
        seen: set[str] = set()
        for index, exercise in enumerate(exercises):
            if exercise.id in seen:
                raise self.fail(f"exercises[{index}].id", f"{exercise.id!r} is used twice")
            for dep in exercise.depends:
                if dep not in seen:
                    raise self.fail(f"exercises[{index}].depends", f"{dep!r} is not an exercise listed before it")
            seen.add(exercise.id)


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _expected(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a mapping"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)
