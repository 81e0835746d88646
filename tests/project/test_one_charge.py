"""One mistake, one charge: a dependency that fails its own tests is replaced by the reference for the exercises
that use it, yet the student's own names in it stay importable; a worker that cannot start is the grader's
fault, never the student's."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, grade


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    copy = tmp_path / "submission"
    shutil.copytree(ROOT / "solutions", copy)
    return copy


def scores(run) -> dict[str, tuple[float, float]]:
    return {e["id"]: (e["score"], e["max_score"]) for e in run.json()["exercises"]}


def test_a_misspelled_function_imported_under_its_own_name_costs_only_its_exercise(submission):
    """activations spells it soft_max, networks imports soft_max: activations loses points, networks none."""
    activations = submission / "activations.py"
    activations.write_text(activations.read_text().replace("def softmax", "def soft_max"))
    networks = submission / "networks.py"
    networks.write_text(networks.read_text().replace("import sigmoid, softmax", "import sigmoid, soft_max as softmax"))
    run = grade("check", str(submission), "-e", "activations", "-e", "networks", "--format", "json")
    got = scores(run)
    assert got["activations"][0] < got["activations"][1]
    assert got["networks"][0] == got["networks"][1], run.json()


def test_a_dependency_that_hangs_on_import_is_blamed_once_on_its_import(submission):
    course = submission.parent / "course"
    shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "exercises"))
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text().replace("call_seconds: 10", "call_seconds: 1"))
    activations = submission / "activations.py"
    activations.write_text("while True:\n    pass\n" + activations.read_text())
    run = grade(
        "check", str(submission), "--course", str(course), "-e", "activations", "-e", "networks", "--format", "json"
    )
    got = scores(run)
    assert got["networks"][0] == got["networks"][1], run.json()
    said = [t["message"] for e in run.json()["exercises"] if e["id"] == "activations" for t in e["tests"]]
    assert said and all("importing activations.py did not finish" in m or "used up its" in m for m in said), said


def test_a_worker_that_cannot_start_is_reported_as_the_graders_error(tmp_path):
    """The grader imported from a second checkout whose worker protocol differs from the installed worker's."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "grader", checkout / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    sandbox = checkout / "grader" / "grading" / "sandbox.py"
    sandbox.write_text(sandbox.read_text().replace("json.dumps(config)", '"{not json"'))
    run = grade("check", str(ROOT / "solutions"), "--course", str(ROOT), cwd=checkout)
    assert run.code == 2, run.stdout
    assert "the process that runs student code could not start" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_what_grading_cannot_import_and_newer_syntax_are_named(submission):
    (submission / "losses.py").write_text(
        textwrap.dedent("""
        import tqdm

        def sum_squared_error(y, t):
            return 0.0
        """)
    )
    (submission / "gradient.py").write_text(
        "type Vector = list[float]\n\ndef numerical_gradient(f, x):\n    return x\n"
    )
    run = grade("check", str(submission), "-e", "losses", "-e", "gradient", "--format", "json")
    said = {e["id"]: e["tests"][0]["message"] for e in run.json()["exercises"]}
    assert "grading has no package tqdm" in said["losses"], said
    if sys.version_info < (3, 12):  # type parameters came with Python 3.12
        assert "grading runs Python 3.1" in said["gradient"] and "came with Python 3.12" in said["gradient"], said
