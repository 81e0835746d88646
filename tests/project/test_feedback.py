"""What a student reads: one line per mistake, the mistake named (and proven so by `grade validate`), hints
that answer the last check, and full marks for every correct style."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from grader.authoring.validate import load_mutants, mutated_copy
from grader.model.course import load_course
from grader.publishing.packaging import public_course_yaml

from conftest import ROOT, grade


def mutant(name: str, target: Path) -> Path:
    """The reference solutions with the mutant tests/mutants/NAME.py applied, written to TARGET."""
    course = load_course(ROOT)
    return mutated_copy(course, next(m for m in load_mutants(course) if m.path.stem == name), target)


def with_source(target: Path, module: str, source: str) -> Path:
    """The reference solutions with SOURCE appended to MODULE (its definitions replace the reference's)."""
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / f"{module}.py"
    path.write_text(path.read_text() + "\n\n" + textwrap.dedent(source))
    return target


def course_with_mutants(tmp_path: Path, mutants: dict[str, str]) -> Path:
    """A copy of the course whose tests/mutants/ holds only MUTANTS (file stem → source)."""
    copy = tmp_path / "course"
    ignored = shutil.ignore_patterns(".venv", ".git", "__pycache__", "mutants", ".grade-*")
    shutil.copytree(ROOT, copy, ignore=ignored)
    (copy / "tests" / "mutants").mkdir()
    for stem, source in mutants.items():
        (copy / "tests" / "mutants" / f"{stem}.py").write_text(textwrap.dedent(source))
    return copy


SSE_MEAN = """\
    EXERCISE = "losses"
    FEEDBACK = {feedback!r}

    import numpy as np


    def sum_squared_error(y, t):
        return float(np.mean((np.asarray(y, dtype=float) - np.asarray(t, dtype=float)) ** 2))
    """


def test_validate_fails_when_the_first_failure_does_not_name_the_mistake(tmp_path):
    copy = course_with_mutants(
        tmp_path,
        {
            "losses__named": SSE_MEAN.format(feedback="mean of the squares"),
            "losses__unnamed": SSE_MEAN.format(feedback="forward difference"),
        },
    )
    run = grade("validate", "--course", str(copy), timeout=300)
    assert run.code == 1, run.stdout
    lines = run.stdout.splitlines()
    named = next(i for i, line in enumerate(lines) if line.startswith("losses__named "))
    assert lines[named].endswith("ok") and "named by 3 of 4; the first says: sum_squared_error" in lines[named + 2]
    unnamed = next(i for i, line in enumerate(lines) if line.startswith("losses__unnamed "))
    assert lines[unnamed].endswith("PROBLEM")
    problem = "- losses: the first failure does not name the mistake (forward difference): "
    assert lines[unnamed + 3].strip().startswith(problem + "test_sum_squared_error_book_example: ")
    assert "3 of 4 submissions graded as the course promises" in run.stdout


def test_a_mutant_must_declare_its_words(tmp_path):
    copy = course_with_mutants(tmp_path, {"losses__silent": 'EXERCISE = "losses"\n'})
    run = grade("validate", "--course", str(copy))
    assert run.code == 2
    assert 'a mutant must declare FEEDBACK = "<words its first failure must say>"' in run.stderr


def test_one_mistake_reads_as_one_line(tmp_path):
    submission = mutant("losses__misspelled_name", tmp_path / "sub")
    text = grade("check", str(submission), "-e", "losses").stdout
    lines = [line for line in text.splitlines() if "has no cross_entropy_error" in line]
    assert len(lines) == 1, text
    assert lines[0].endswith("(did you mean cross_entropy_eror?) (and 8 more tests with the same message)")
    report = grade("check", str(submission), "-e", "losses", "--format", "json").json()
    messages = [t["message"] for t in report["exercises"][0]["tests"] if t["status"] != "passed"]
    assert len(messages) == 9 and len(set(messages)) == 1  # the JSON report keeps every test


def test_a_folder_of_misnamed_notebooks_is_one_error(tmp_path):
    for name in ("losses_aufgabe.ipynb", "gradient_copy.ipynb"):
        (tmp_path / name).write_text('{"cells": []}')
    run = grade("check", str(tmp_path))
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "is missing" not in run.stderr
    assert "(gradient_copy.ipynb, losses_aufgabe.ipynb) but none is named as an exercise's" in run.stderr
    assert "name them as published (01_losses.ipynb, 02_differentiation.ipynb," in run.stderr


def test_the_network_idiom_names_numerical_gradient_not_the_scenario():
    report = grade("check", "-e", "gradient", "--format", "json").json()
    messages = {t["name"]: t["message"] for t in report["exercises"][0]["tests"]}
    assert messages["test_network_idiom"] == "numerical_gradient is not written yet (it raises NotImplementedError)"
    assert not [m for m in messages.values() if "attribute_idiom" in m]


def test_a_wrong_answer_on_an_int_array_is_not_blamed_on_truncation(tmp_path):
    submission = with_source(
        tmp_path / "sub",
        "gradient",
        """\
        _float_gradient = numerical_gradient


        def numerical_gradient(f, x):
            return float(np.sum(x)) if x.dtype.kind in "iu" else _float_gradient(f, x)
        """,
    )
    report = grade("check", str(submission), "-e", "gradient", "--format", "json").json()
    failed = {t["name"]: t["message"] for t in report["exercises"][0]["tests"] if t["status"] != "passed"}
    assert set(failed) == {"test_integer_array", "test_integer_array[vector]", "test_integer_array[matrix]"}
    assert failed["test_integer_array"].startswith(
        "numerical_gradient(function_2, int array [3, 4]): expected a numpy array of shape (2,), got a float 7"
    )
    assert not [m for m in failed.values() if "truncat" in m or "cannot hold" in m]


CORRECT_STYLES = {
    "gradient by np.nditer": (
        "gradient",
        """\
        def numerical_gradient(f, x):
            if x.dtype.kind in "biu":
                raise TypeError("pass x.astype(float)")
            h = 1e-4
            grad = np.zeros_like(x)
            it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
            while not it.finished:
                idx = it.multi_index
                tmp_val = x[idx]
                x[idx] = tmp_val + h
                fxh1 = f(x)
                x[idx] = tmp_val - h
                fxh2 = f(x)
                grad[idx] = (fxh1 - fxh2) / (2 * h)
                x[idx] = tmp_val
                it.iternext()
            return grad
        """,
    ),
    "gradient by x.flat": (
        "gradient",
        """\
        def numerical_gradient(f, x):
            if not np.issubdtype(x.dtype, np.floating):
                raise TypeError("pass x.astype(float)")
            h = 1e-4
            grad = np.empty(x.shape)
            for i in range(x.size):
                tmp_val = x.flat[i]
                x.flat[i] = tmp_val + h
                fxh1 = f(x)
                x.flat[i] = tmp_val - h
                fxh2 = f(x)
                x.flat[i] = tmp_val
                grad.flat[i] = (fxh1 - fxh2) / (2 * h)
            return grad
        """,
    ),
    "gradient by np.unravel_index, h = 1e-5": (
        "gradient",
        """\
        def numerical_gradient(f, x):
            if x.dtype.kind != "f":
                raise TypeError("pass x.astype(float)")
            h = 1e-5
            grad = np.zeros(x.shape)
            for i in range(x.size):
                idx = np.unravel_index(i, x.shape)
                original = float(x[idx])
                x[idx] = original + h
                up = f(x)
                x[idx] = original - h
                down = f(x)
                x[idx] = original
                grad[idx] = (up - down) / (2 * h)
            return grad
        """,
    ),
    "log-sum-exp softmax and tanh sigmoid": (
        "activations",
        """\
        def sigmoid(x):
            return 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=float)))


        def softmax(x):
            x = np.asarray(x, dtype=float)
            m = np.max(x, axis=-1, keepdims=True)
            return np.exp(x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True)))
        """,
    ),
    "ascent as descent of -f": (
        "descent",
        """\
        def gradient_ascent(f, init_x, lr=0.01, step_num=100):
            return gradient_descent(lambda x: -f(x), init_x, lr=lr, step_num=step_num)
        """,
    ),
}


@pytest.mark.parametrize("style", list(CORRECT_STYLES))
def test_correct_styles_keep_full_marks(tmp_path, style):
    module, source = CORRECT_STYLES[style]
    submission = with_source(tmp_path / "sub", module, source)
    run = grade("check", str(submission), "-e", module, "--format", "json")
    report = run.json()
    failed = [(t["name"], t["message"]) for e in report["exercises"] for t in e["tests"] if t["status"] != "passed"]
    assert run.code == 0 and not failed and report["score"] == report["max_score"] > 0, failed


@pytest.fixture
def course_copy(tmp_path):
    """The course without its solutions and hidden suites, as students have it (hints and last check live here)."""
    copy = tmp_path / "course"
    for part in ("course", "tests/public", "exercises"):
        shutil.copytree(ROOT / part, copy / part)
    (copy / "course.yaml").write_text(public_course_yaml(load_course(ROOT)), encoding="utf-8")
    return copy


def test_hints_answer_the_first_failure_of_the_last_check(course_copy, tmp_path):
    submission = mutant("differentiation__precedence_2h", tmp_path / "sub")
    assert grade("check", str(submission), "-e", "differentiation", "--course", str(course_copy)).code == 1
    last = json.loads((course_copy / ".grade-last-check.json").read_text())
    assert last["differentiation"]["failed"][0] == "test_derivative_of_cube"
    first = grade("hint", "differentiation", "--course", str(course_copy)).stdout
    assert first.startswith("Hint 1 of 4 for differentiation: Mind the parentheses: `/ 2 * h` divides by 2")
    second = grade("hint", "differentiation", "--course", str(course_copy)).stdout
    assert second.startswith("Hint 2 of 4 for differentiation: Use the central difference")  # then the rest in order
    submission = mutant("differentiation__h_too_small", tmp_path / "other")
    grade("check", str(submission), "-e", "differentiation", "--course", str(course_copy))
    again = grade("hint", "differentiation", "--course", str(course_copy)).stdout
    assert again.startswith("Hint 1 of 4 for differentiation: h = 1e-4.")  # a new mistake: its own hint first


def test_hint_without_an_exercise_takes_the_next_one_to_do(course_copy):
    (course_copy / "exercises" / "losses.py").write_text((ROOT / "solutions" / "losses.py").read_text())
    run = grade("hint", "--course", str(course_copy))
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("Hint 1 of 4 for differentiation: ")
