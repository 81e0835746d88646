"""A second course on another topic (tests/courses/integration: numerical integration, two exercises, its own
probes) goes through every command an instructor uses, with nothing in grader/ written for it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, grade

COURSE = ROOT / "tests" / "courses" / "integration"


def scores(run) -> dict[str, float]:
    assert run.code in (0, 1), run.stderr
    return {e["id"]: e["score"] for e in json.loads(run.stdout)["exercises"]}


def test_check_gives_the_reference_full_marks_and_the_stubs_none():
    full = grade("check", str(COURSE / "solutions"), "--course", str(COURSE), "--format", "json")
    assert scores(full) == {"midpoint": 10, "simpson": 10}
    empty = grade("check", str(COURSE / "exercises"), "--course", str(COURSE), "--format", "json")
    assert scores(empty) == {"midpoint": 0, "simpson": 0}


def test_validate_catches_both_mistakes_and_a_dependency_is_charged_once():
    run = grade("validate", "--course", str(COURSE))
    assert run.code == 0, run.stdout + run.stderr
    assert "4 of 4 submissions graded as the course promises" in run.stdout
    row = next(line for line in run.stdout.splitlines() if line.startswith("midpoint__left_endpoints "))
    assert row.split()[1:3] == ["2/10", "10/10"]  # simpson keeps its points: the reference's midpoint served


def test_the_stubs_are_generated_from_the_solutions(tmp_path: Path):
    assert grade("stubs", "--check", "--course", str(COURSE)).code == 0
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy, ignore=shutil.ignore_patterns("exercises"))
    run = grade("stubs", "--course", str(copy))
    assert run.code == 0, run.stderr
    for stub in (COURSE / "exercises").glob("*.py"):
        assert (copy / "exercises" / stub.name).read_text() == stub.read_text()


def test_publish_writes_notebooks_that_grade_like_the_modules(tmp_path: Path):
    out = tmp_path / "nbgrader"
    run = grade("publish", "--course", str(COURSE), "--out", str(out), timeout=300)
    assert run.code == 0, run.stderr
    release = out / "release" / "integration"  # the assignment is named after the course's directory
    assert sorted(p.name for p in release.glob("*.ipynb")) == ["01_midpoint.ipynb", "02_simpson.ipynb"]
    assert (release / "course" / "course" / "probes.py").is_file()
    source = out / "source" / "integration"
    full = grade("check", str(source), "--course", str(out / "course"), "--format", "json")
    assert scores(full) == {"midpoint": 10, "simpson": 10}


def test_release_grades_the_public_suites_with_its_own_copy_of_the_course(tmp_path: Path):
    out = tmp_path / "students"
    run = grade("release", "--course", str(COURSE), "--out", str(out))
    assert run.code == 0, run.stderr
    assert (out / "course" / "probes.py").is_file() and not (out / "solutions").exists()
    released = grade("check", str(COURSE / "solutions"), "--course", str(out), "--format", "json")
    report = json.loads(released.stdout)
    # the public tests pass: 2 of midpoint's 4 (shares 3, 3, 2, 2) and 2 of simpson's 3 (4, 3, 3); 3 hidden pending
    assert (report["score"], report["pending"]["tests"]) == (6 + 7, 3)


def test_the_gradescope_autograder_grades_a_submission(tmp_path: Path):
    root = tmp_path / "autograder"
    assert grade("gradescope", "--course", str(COURSE), "--out", str(tmp_path / "ag.zip"), "--seed", "3").code == 0
    with zipfile.ZipFile(tmp_path / "ag.zip") as zipped:
        zipped.extractall(root / "source")
    shutil.copytree(COURSE / "solutions", root / "submission")
    (root / "results").mkdir()
    subprocess.run([sys.executable, "-m", "grader.publishing.autograder", str(root)], check=True, timeout=300)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 20
    assert {t["tags"][0] for t in results["tests"]} == {"midpoint", "simpson"}


def test_grade_new_scaffolds_an_exercise_that_validates(tmp_path: Path):
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    run = grade("new", "scaling", "--title", "Scaling a number", "--course", str(copy))
    assert run.code == 0, run.stderr
    written = {Path(line).relative_to(copy).as_posix() for line in run.stdout.replace("wrote ", "").split()}
    assert written == {
        "solutions/scaling.py",
        "exercises/scaling.py",
        "tests/public/test_scaling.py",
        "tests/hidden/test_scaling.py",
        "tests/mutants/scaling__adds.py",
        "course.yaml",
    }
    assert "### BEGIN SOLUTION" in (copy / "solutions" / "scaling.py").read_text()
    validated = grade("validate", "--course", str(copy))
    assert validated.code == 0, validated.stdout
    assert "5 of 5 submissions graded as the course promises" in validated.stdout
    again = grade("new", "scaling", "--course", str(copy))
    assert (again.code, again.stderr.strip()) == (2, "grade: error: 'scaling' is used twice")


def test_the_authoring_guide_shows_the_course_as_it_is():
    """docs/authoring.md builds this course's first exercise: each of its code blocks is the file it names."""
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n# (\S+)\n(.*?)\n```", guide, re.S)
    assert len(blocks) >= 5
    for path, code in blocks:
        assert (COURSE / path).read_text(encoding="utf-8").rstrip("\n") == code, path
    assert (COURSE / "course.yaml").read_text(encoding="utf-8").rstrip("\n") in guide
