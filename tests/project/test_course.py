"""The real course: the reference earns everything, the stubs nothing, every known mistake is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from grader.model.course import load_course
from grader.publishing.packaging import public_course_yaml

from conftest import ROOT, grade


def test_the_reference_passes_every_suite_with_full_marks():
    run = grade("check", "solutions", "--format", "json")
    assert run.code == 0, run.stdout
    report = run.json()
    assert report["score"] == report["max_score"] == 100
    assert all(t["status"] == "passed" for e in report["exercises"] for t in e["tests"])
    visibilities = {t["visibility"] for e in report["exercises"] for t in e["tests"]}
    assert visibilities == {"public", "hidden"}


def test_the_stubs_earn_zero_without_crashing():
    run = grade("check", "--format", "json")
    assert run.code == 1
    report = run.json()
    assert report["score"] == 0 and report["max_score"] == 100
    messages = {t["message"] for e in report["exercises"] for t in e["tests"]}
    assert all("not written yet" in m for m in messages), messages


def test_json_report_follows_the_contract():
    report = grade("check", "solutions", "-e", "gradient", "--format", "json").json()
    assert {"score", "max_score", "exercises"} <= report.keys()
    (exercise,) = report["exercises"]
    assert {"id", "score", "max_score", "tests"} <= exercise.keys()
    assert exercise["id"] == "gradient" and exercise["max_score"] == 20
    for test in exercise["tests"]:
        assert {"name", "status", "score", "max_score", "visibility", "message"} <= test.keys()
        assert test["status"] == "passed" and test["score"] == test["max_score"] > 0


def test_stubs_are_generated_from_the_solutions():
    run = grade("stubs", "--check")
    assert run.code == 0, run.stdout


def test_validate_catches_every_known_mistake():
    run = grade("validate", timeout=600)
    assert run.code == 0, run.stdout
    mutants = list((ROOT / "tests" / "mutants").glob("*.py"))
    assert len(mutants) >= 25
    assert f"{len(mutants) + 2} of {len(mutants) + 2} submissions graded as the course promises" in run.stdout
    lines = run.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("differentiation__forward_difference "))
    assert lines[row].split()[1:3] == [
        "15/15",
        "3/10",
    ]  # the table: points per exercise, losses then differentiation
    assert lines[row + 1].strip().startswith("caught by: test_derivative_of_cube,")  # which tests caught it


def test_a_students_copy_without_hidden_suites_says_what_runs_at_grading(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "solutions", "hidden", "__pycache__"))
    (copy / "course.yaml").write_text(public_course_yaml(load_course(ROOT)))  # as grade release writes it
    course = yaml.safe_load((ROOT / "course.yaml").read_text())
    hidden = sum(e.get("hidden_tests", 0) for e in course["exercises"])
    run = grade("check", "--format", "json", cwd=copy)
    assert run.code == 1
    report = run.json()
    assert report["pending"]["tests"] == hidden > 0
    assert report["max_score"] + report["pending"]["points"] == 100
    assert all(t["visibility"] == "public" for e in report["exercises"] for t in e["tests"])
    text = grade("check", cwd=copy).stdout
    assert f"+ {hidden} hidden tests worth" in text


def test_grade_check_never_imports_nbgrader_or_matplotlib():
    script = (
        "import sys\n"
        "from grader.cli import cli\n"
        "try:\n"
        "    cli(['check', 'solutions', '-e', 'losses'], prog_name='grade')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('nbgrader', 'matplotlib', 'jupyter_client') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_an_exercise_checked_alone_earns_what_it_earns_in_the_whole_course(tmp_path):
    """descent uses the student's own gradient when that passes all its tests, else the reference's; the two
    differ in the last bits, which a climbing descent blows up. So `-e descent` (and a notebook's test cell)
    runs the gradient's suites too, unreported, and the same code earns the same points either way."""
    from grader.authoring.validate import load_mutants, mutated_copy
    from grader.model.course import load_course

    course = load_course(ROOT)
    mutant = next(m for m in load_mutants(course) if m.path.stem == "descent__climbs")
    submission = mutated_copy(course, mutant, tmp_path / "submission")

    def descent_tests(*options: str) -> dict[str, str]:
        report = grade("check", str(submission), "--format", "json", *options).json()
        return {t["name"]: t["status"] for e in report["exercises"] if e["id"] == "descent" for t in e["tests"]}

    alone = grade("check", str(submission), "-e", "descent", "--format", "json").json()
    assert [e["id"] for e in alone["exercises"]] == ["descent"]
    assert descent_tests("-e", "descent") == descent_tests()
