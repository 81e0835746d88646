"""`grade new EXERCISE`: the files of a new exercise, ready to be rewritten — a solution with markers (and its
stub), a public and a hidden suite, a mutant, and its entry at the end of course.yaml — that `grade validate`
accepts as they are."""

from __future__ import annotations

from pathlib import Path

from grader.authoring.markers import write_stubs
from grader.authoring.validate import MUTANTS_DIR
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import COURSE_FILE, Course, load_course

SOLUTION = '''"""{title}: what the student writes, with the task in the docstrings (the notebooks show them too)."""


def {name}(x: float) -> float:
    """Twice x. Replace this example with the task: its arguments, what to return, an example.

    >>> {name}(1.5)
    3.0
    """
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''

PUBLIC = '''"""Public checks for {name}: students run these with `grade check`."""

from grader.testing import _, expect_number, name_the_mistake


def test_twice_three_is_six(student):
    """{name}(3.0) is 6; adding 2 gives 5, and the failure names that mistake."""
    got = student.{name}(3.0)
    adds = (lambda: 2 + 3.0, _("it adds 2 instead of multiplying by 2"))
    name_the_mistake(got, 6.0, "{name}(3.0)", [adds])
    expect_number(got, 6.0, "{name}(3.0)")
'''

HIDDEN = '''"""Hidden checks for {name}: inputs drawn from the grading seed, answers from the reference."""

from grader.testing import expect_number


def test_random_inputs_match_the_reference(student, reference, rng):
    """On a number drawn from the seed, {name} gives the reference's answer."""
    x = float(rng.uniform(-10, 10))
    expect_number(student.{name}(x), reference.{name}(x), f"{name}({{x:g}})")
'''

MUTANT = '''"""A known mistake in {name}: `grade validate` proves that a suite of {id} catches it."""

EXERCISE = "{id}"
MISTAKE = "adds instead of multiplying"
FEEDBACK = "adds 2 instead of multiplying"


def {name}(x):
    return 2 + x
'''

ENTRY = """
  - id: {id}
    title: {title}
    module: {id}
    functions: [{name}]
    points: {points:g}
    public: {public}
    hidden: {hidden}
    hidden_tests: 1
    hints:
      - "Multiply, don't add."
"""


def scaffold(course: Course, exercise_id: str, title: str, points: float) -> list[Path]:
    """Write the files of a new exercise EXERCISE_ID of COURSE and append its entry to course.yaml; returns them."""
    if not exercise_id.isidentifier():
        raise GradingError(_("{id} is not a valid name (letters, digits, _)").format(id=repr(exercise_id)))
    if exercise_id in {e.id for e in course.exercises} | {e.module for e in course.exercises}:
        raise GradingError(_("{id} is used twice").format(id=repr(exercise_id)))
    public, hidden = _suite_dirs(course)
    fields = {"id": exercise_id, "name": exercise_id, "title": title, "points": points}
    files = {
        course.solutions_dir / f"{exercise_id}.py": SOLUTION.format(**fields),
        public / f"test_{exercise_id}.py": PUBLIC.format(**fields),
        hidden / f"test_{exercise_id}.py": HIDDEN.format(**fields),
        course.root / MUTANTS_DIR / f"{exercise_id}__adds.py": MUTANT.format(**fields),
    }
    for path in files:
        if path.exists():
            raise GradingError(_("{path} exists already: choose another name").format(path=shown(path)))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    course_file = course.root / COURSE_FILE
    relative = {
        k: (d / f"test_{exercise_id}.py").relative_to(course.root).as_posix()
        for k, d in (("public", public), ("hidden", hidden))
    }
    text = course_file.read_text(encoding="utf-8")
    course_file.write_text(text.rstrip("\n") + "\n" + ENTRY.format(**fields, **relative), encoding="utf-8")
    if exercise_id not in {e.id for e in load_course(course.root).exercises}:
        course_file.write_text(text, encoding="utf-8")
        for path in files:
            path.unlink()
        raise GradingError(_("the exercises must be the last key of {path} to add one").format(path=shown(course_file)))
    stubs = write_stubs(course.solutions_dir, course.exercises_dir, [exercise_id])
    return [*files, *stubs, course_file]


def _suite_dirs(course: Course) -> tuple[Path, Path]:
    """Where the course keeps its public and hidden suites: beside its first exercise's, else tests/public and
    tests/hidden."""
    first = course.exercises[0]
    public = first.public.parent
    return public, first.hidden.parent if first.hidden is not None else course.root / "tests" / "hidden"
