"""Proving the course: the reference passes every suite, every stub earns zero, and every known mistake in
tests/mutants/ loses points in its own exercise, is named by the first failure a student reads there, and
keeps full marks everywhere else."""

from __future__ import annotations

import ast
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.core import i18n
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
    words: tuple[str, ...]  # what the first failure of its exercise must say (FEEDBACK), in English


@dataclass
class Verdict:
    """What grading one submission showed, and whether that is what the course promises."""

    name: str
    report: GradeReport
    problems: list[str]
    caught_by: list[str]  # for a mistake: the tests of its own exercise that failed
    named_by: list[str]  # of those, the ones whose message holds the mistake's words
    first_message: str = ""  # the message of the first of those: what a student reads first

    @property
    def ok(self) -> bool:
        return not self.problems


def load_mutants(course: Course) -> list[Mutant]:
    """Every mutant file, with the EXERCISE, MISTAKE and FEEDBACK it declares."""
    mutants = []
    for path in sorted((course.root / MUTANTS_DIR).glob("*.py")):
        declared = _constants(path)
        exercise = declared.get("EXERCISE")
        if not isinstance(exercise, str):
            raise GradingError(_('{path}: a mutant must declare EXERCISE = "<exercise id>"').format(path=shown(path)))
        course.exercise(exercise)
        words = declared.get("FEEDBACK")
        words = (words,) if isinstance(words, str) else words
        if not isinstance(words, tuple) or not words or not all(isinstance(w, str) and w for w in words):
            raise GradingError(
                _('{path}: a mutant must declare FEEDBACK = "<words its first failure must say>" (or a tuple)').format(
                    path=path
                )
            )
        mutants.append(Mutant(path, exercise, str(declared.get("MISTAKE", path.stem)), words))
    return mutants


def _constants(path: Path) -> dict[str, object]:
    """The module-level NAME = <literal> assignments of a mutant (strings, or tuples of them)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError as exc:
        raise GradingError(
            _("{file}, line {line}").format(file=shown(path), line=exc.lineno) + f": {exc.msg}"
        ) from None
    return {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.Tuple))
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def validate(course: Course, seed: int) -> list[Verdict]:
    """Grade the reference, the stubs and every mutant; each verdict lists what broke the promise. Grading runs
    in English, the language of the mutants' FEEDBACK words."""
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
                    mutant.words,
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


def _expect(course: Course, name: str, submission: Path, seed: int, want, words: tuple[str, ...] = ()) -> Verdict:
    language = i18n.current()
    i18n.use("en")
    try:
        report = runner.check(course, submission, [], seed)
    finally:
        i18n.use(language)
    problems, caught_by, named_by, first_message = [], [], [], ""
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
            failed = [t for t in exercise.tests if not t.passed]
            caught_by = [t.name for t in failed]
            named_by = [t.name for t in failed if names(t.message, words)]
            first_message = failed[0].message if failed else ""
            if not failed:
                problems.append(_("{id} kept full marks: no test catches this mistake").format(id=exercise.id))
            elif not names(failed[0].message, words):
                problems.append(
                    _("{id}: the first failure does not name the mistake ({words}): {test}: {message}").format(
                        id=exercise.id, words=" + ".join(words), test=failed[0].name, message=failed[0].message
                    )
                )
    return Verdict(name, report, problems, caught_by, named_by, first_message)


def names(message: str, words: tuple[str, ...]) -> bool:
    """True when MESSAGE holds every one of WORDS (case aside): it names the mistake they describe."""
    return all(word.lower() in message.lower() for word in words)
