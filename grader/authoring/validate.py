"""Proving the course: the reference passes every suite, every stub earns zero, and every known mistake in
tests/mutants/ loses points in its own exercise and keeps full marks everywhere else."""

from __future__ import annotations

import ast
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading import runner
from grader.model.course import Course
from grader.model.results import GradeReport

MUTANTS_DIR = "tests/mutants"


@dataclass
class Mutant:
    path: Path
    exercise: str
    mistake: str


@dataclass
class Verdict:
    """What grading one submission showed, and whether that is what the course promises."""

    name: str
    report: GradeReport
    problems: list[str]
    caught_by: list[str]  # for a mistake: the tests of its own exercise that failed

    @property
    def ok(self) -> bool:
        return not self.problems


def load_mutants(course: Course) -> list[Mutant]:
    """Every mutant file, with the EXERCISE and MISTAKE it declares."""
    mutants = []
    for path in sorted((course.root / MUTANTS_DIR).glob("*.py")):
        declared = _constants(path)
        exercise = declared.get("EXERCISE")
        if exercise is None:
            raise GradingError(_('{path}: a mutant must declare EXERCISE = "<exercise id>"').format(path=shown(path)))
        course.exercise(exercise)
        mutants.append(Mutant(path, exercise, declared.get("MISTAKE", path.stem)))
    return mutants


def _constants(path: Path) -> dict[str, str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError as exc:
        raise GradingError(
            _("{file}, line {line}").format(file=shown(path), line=exc.lineno) + f": {exc.msg}"
        ) from None
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def validate(course: Course, seed: int) -> list[Verdict]:
    """Grade the reference, the stubs and every mutant; each verdict lists what broke the promise."""
    if not course.has_solutions:
        raise GradingError(
            _("{path} does not exist: validation needs the reference solutions").format(
                path=shown(course.solutions_dir)
            )
        )
    verdicts = [
        _expect(course, _("reference solutions"), course.solutions_dir, seed, lambda e: "full"),
        _expect(course, _("stubs (exercises/)"), course.exercises_dir, seed, lambda e: "zero"),
    ]
    for mutant in load_mutants(course):
        with tempfile.TemporaryDirectory(prefix="grade-mutant-") as tmp:
            submission = mutated_copy(course, mutant, Path(tmp) / "submission")
            verdicts.append(
                _expect(
                    course,
                    mutant.path.stem,
                    submission,
                    seed,
                    lambda e, m=mutant: "loses" if e == m.exercise else "full",
                )
            )
    return verdicts


def mutated_copy(course: Course, mutant: Mutant, submission: Path) -> Path:
    """Write to SUBMISSION the reference solutions with the mutant's source appended to its exercise's module."""
    shutil.copytree(course.solutions_dir, submission, ignore=shutil.ignore_patterns("__pycache__"))
    module = submission / f"{course.exercise(mutant.exercise).module}.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\n\n" + mutant.path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return submission


def _expect(course: Course, name: str, submission: Path, seed: int, want) -> Verdict:
    report = runner.check(course, submission, [], seed)
    problems, caught_by = [], []
    for exercise in report.exercises:
        expected = want(exercise.id)
        if expected == "full" and exercise.score < exercise.max_score:
            failed = next(t for t in exercise.tests if not t.passed)
            problems.append(
                _("{id} lost points ({test}: {message})").format(
                    id=exercise.id, test=failed.name, message=failed.message
                )
            )
        elif expected == "zero" and exercise.score > 0:
            problems.append(
                _("{id} earned {points} points with a stub").format(id=exercise.id, points=f"{exercise.score:g}")
            )
        elif expected == "loses":
            caught_by = [t.name for t in exercise.tests if not t.passed]
            if not caught_by:
                problems.append(_("{id} kept full marks: no test catches this mistake").format(id=exercise.id))
    return Verdict(name, report, problems, caught_by)
