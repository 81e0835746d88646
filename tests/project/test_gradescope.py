"""grade gradescope: the zip's own setup.sh installs the grader into a fresh venv, and its run_autograder grades
submissions in a fake /autograder tree (AUTOGRADER_ROOT) into results.json, whatever the submission holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.model.course import load_course
from grader.publishing.autograder import grading_seed

from conftest import LINUX_ONLY, ROOT, grade

COURSE = yaml.safe_load((ROOT / "course.yaml").read_text())
MODULES = {e["id"]: e["module"] for e in COURSE["exercises"]}
pytestmark = LINUX_ONLY  # Gradescope's autograder runs on Linux: setup.sh, bash, venv/bin
SEED = "7"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    """A fake /autograder: the zip unpacked into source/ as Gradescope does, setup.sh run (apt left out: it would
    change this machine), run_autograder copied to the root."""
    tmp = tmp_path_factory.mktemp("gradescope")
    run = grade("gradescope", "--out", str(tmp / "autograder.zip"), "--seed", SEED)
    assert run.code == 0, run.stderr
    root = tmp / "autograder"
    with zipfile.ZipFile(tmp / "autograder.zip") as zipped:
        assert {"setup.sh", "run_autograder"} <= set(zipped.namelist())
        for info in zipped.infolist():
            path = Path(zipped.extract(info, root / "source"))
            path.chmod(info.external_attr >> 16 & 0o777)
    assert os.access(root / "source" / "run_autograder", os.X_OK)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_NO_APT": "1"}
    done = subprocess.run(["bash", "source/setup.sh"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_autograder(root: Path, files: dict[str, str | Path]) -> dict:
    """Put FILES (relative path: text, or a file to copy) into submission/, run run_autograder, read results.json."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    (root / "submission").mkdir()
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, path)
        else:
            path.write_text(content)
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_SEED", "VIRTUAL_ENV")}
    env["AUTOGRADER_ROOT"] = str(root)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, timeout=600)
    (root / "log.txt").write_bytes(done.stdout)  # what the instructor sees on Gradescope
    return json.loads((root / "results" / "results.json").read_text())


def solutions(folder: str = "") -> dict[str, Path]:
    return {f"{folder}{p.name}": p for p in sorted((ROOT / "solutions").glob("*.py"))}


def by_exercise(results: dict) -> dict[str, tuple[float, float]]:
    """(score, max_score) per exercise, from the tests' tags."""
    sums: dict[str, tuple[float, float]] = {}
    for test in results["tests"]:
        score, most = sums.get(test["tags"][0], (0.0, 0.0))
        sums[test["tags"][0]] = (score + test["score"], most + test["max_score"])
    return sums


def total_points() -> float:
    return sum(e["points"] for e in COURSE["exercises"])


def test_the_reference_solutions_get_full_marks(autograder):
    results = run_autograder(autograder, solutions())
    assert "seed" not in results["output"] and "isolation" in results["output"]  # students read this line
    assert results["score"] == pytest.approx(total_points())
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(total_points())
    assert {t["status"] for t in results["tests"]} == {"passed"}
    visibility = [t["visibility"] for t in results["tests"]]
    assert visibility.count("after_due_date") == sum(e["hidden_tests"] for e in COURSE["exercises"])
    assert set(visibility) == {"visible", "after_due_date"}
    assert grading_seed(autograder / "source", load_course(autograder / "source")) == int(SEED)


def test_one_known_mistake_uploaded_in_a_folder_costs_points_in_its_exercise_only(autograder):
    files = solutions("my work/")
    mutant = (ROOT / "tests" / "mutants" / "gradient__works_on_copy.py").read_text()
    files["my work/gradient.py"] = (ROOT / "solutions" / "gradient.py").read_text() + "\n\n" + mutant
    results = run_autograder(autograder, files)
    scores = by_exercise(results)
    assert scores["gradient"][0] < scores["gradient"][1]
    for exercise, (score, most) in scores.items():
        if exercise != "gradient":
            assert score == pytest.approx(most), exercise
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all(t["output"] for t in failed)
    assert results["score"] == pytest.approx(sum(s for s, _ in scores.values()))


def test_a_module_that_does_not_import_scores_zero_there_and_nothing_else_suffers(autograder):
    files = solutions()
    files["losses.py"] = "def sum_squared_error(y, t:\n    return 0\n"
    results = run_autograder(autograder, files)
    scores = by_exercise(results)
    assert scores["losses"][0] == 0
    assert all(score == pytest.approx(most) for e, (score, most) in scores.items() if e != "losses")
    losses = [t for t in results["tests"] if t["tags"][0] == "losses"]
    assert {t["tags"][1] for t in losses} == {"error"}
    assert "losses.py" in losses[0]["output"]


def test_an_empty_submission_scores_zero_with_every_test_reported(autograder):
    results = run_autograder(autograder, {})
    assert results["score"] == 0
    assert results["output"].startswith("Missing: losses.py (01_losses.ipynb), differentiation.py")
    assert "Received: nothing." in results["output"].splitlines()[0]
    assert len(results["tests"]) == len(run_autograder(autograder, solutions())["tests"])
    assert {t["status"] for t in results["tests"]} == {"failed"}


def test_notebooks_are_graded_like_modules(autograder):
    """Students may upload the published notebooks instead of modules: the answer cells are the module."""
    files = {}
    for index, exercise in enumerate(COURSE["exercises"], 1):
        cell = {
            "cell_type": "code",
            "metadata": {"nbgrader": {"solution": True, "grade": False, "grade_id": "answer"}},
            "source": (ROOT / "solutions" / f"{exercise['module']}.py").read_text(),
            "outputs": [],
            "execution_count": None,
        }
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        files[f"{index:02d}_{exercise['id']}.ipynb"] = json.dumps(notebook)
    results = run_autograder(autograder, files)
    assert results["score"] == pytest.approx(total_points())


def test_a_submission_that_cannot_be_graded_still_gets_a_results_file_that_says_why(autograder, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    shutil.rmtree(autograder / "submission", ignore_errors=True)
    (autograder / "submission").mkdir()
    (autograder / "submission" / "losses.py").symlink_to(outside)
    subprocess.run([str(autograder / "run_autograder")], env={**os.environ, "AUTOGRADER_ROOT": str(autograder)})
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"] == []
    assert "could not be graded" in results["output"] and "links to a file outside the submission" in results["output"]


def test_without_a_working_grader_run_autograder_still_writes_results(autograder, tmp_path):
    broken = tmp_path / "autograder"
    (broken / "submission").mkdir(parents=True)
    shutil.copy(autograder / "run_autograder", broken / "run_autograder")  # no venv: setup.sh never ran
    subprocess.run([str(broken / "run_autograder")], env={**os.environ, "AUTOGRADER_ROOT": str(broken)})
    results = json.loads((broken / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not run" in results["output"]


def test_the_zip_is_the_same_for_the_same_course_and_seed(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        assert grade("gradescope", "--out", str(out), "--seed", SEED).code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zipped:
        names = set(zipped.namelist())
        assert {f"tests/hidden/test_{e}.py" for e in MODULES} <= names
        assert {f"solutions/{m}.py" for m in MODULES.values()} <= names
        assert SEED not in zipped.read("run_autograder").decode()  # student code may read run_autograder
        assert zipped.read("grading-seed").decode() == f"{SEED}\n"
        assert zipped.getinfo("grading-seed").external_attr >> 16 & 0o077 == 0


def test_a_course_without_solutions_gets_no_autograder(tmp_path):
    student_copy = tmp_path / "student"
    assert grade("release", "--out", str(student_copy)).code == 0
    run = grade("gradescope", "--out", str(tmp_path / "a.zip"), "--course", str(student_copy))
    assert run.code == 2 and run.stderr.count("\n") == 1
    assert "the autograder needs the reference solutions" in run.stderr
    assert not (tmp_path / "a.zip").exists()


def test_an_upload_that_links_to_the_solutions_is_refused(autograder):
    """A folder in the upload that is a link to the course's solutions earns nothing and says why."""
    shutil.rmtree(autograder / "submission", ignore_errors=True)
    (autograder / "submission").mkdir()
    (autograder / "submission" / "exercises").symlink_to(autograder / "source" / "solutions")
    env = {**os.environ, "AUTOGRADER_ROOT": str(autograder)}
    subprocess.run([str(autograder / "run_autograder")], cwd=autograder, env=env, capture_output=True, check=False)
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0 and "links to a file outside the submission" in results["output"], results


def test_misnamed_uploads_are_listed_and_a_second_download_of_a_notebook_is_graded(autograder):
    """A browser names a second download `01_losses (1).ipynb`; `Gradient.py` is not `gradient.py`."""
    files = {"Gradient.py": ROOT / "solutions" / "gradient.py"}
    results = run_autograder(autograder, files)
    first = results["output"].splitlines()[0]
    assert first.startswith("Missing: losses.py (01_losses.ipynb), differentiation.py (02_differentiation.ipynb)")
    assert "gradient.py (03_gradient.ipynb)" in first and "Received: Gradient.py." in first
    assert "Stuck?" not in (autograder / "log.txt").read_text()  # the log is the instructor's
    cell = {
        "cell_type": "code",
        "metadata": {"nbgrader": {"solution": True, "grade": False, "grade_id": "answer"}},
        "source": (ROOT / "solutions" / "losses.py").read_text(),
        "outputs": [],
        "execution_count": None,
    }
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    results = run_autograder(autograder, {"01_losses (1).ipynb": notebook})
    assert by_exercise(results)["losses"][0] == pytest.approx(COURSE["exercises"][0]["points"])
    assert "losses.py" not in results["output"].splitlines()[0]
