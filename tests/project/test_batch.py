"""grade batch: many submissions, one broken or hanging one never stops or changes the others."""

from __future__ import annotations

import csv
import io
import zipfile

from conftest import grade

SUITE = """
    def test_one(student):
        assert student.one() == 1, "one() should return 1"

    def test_two(student):
        assert student.two() == 2, "two() should return 2"
"""
GOOD = "def one(): return 1\ndef two(): return 2\n"


def make_submissions(root):
    folder = root / "submissions"
    for name, source in {
        "alice": GOOD,
        "bob": "def one(): return 1\ndef two(): return 3\n",
        "carol": "def one(:\n",
        "dave": "import os\ndef one(): os._exit(1)\ndef two(): return 2\n",
        "erin": "def one():\n    while True: pass\ndef two(): return 2\n",
    }.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(source)
    with zipfile.ZipFile(folder / "frank.zip", "w") as zipped:
        zipped.writestr("frank/toy.py", GOOD)
    (folder / "notes.txt").write_text("not a submission")
    return folder


def rows(out):
    return {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def test_a_batch_grades_everyone_and_marks_what_went_wrong(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1")
    folder = make_submissions(root)
    out = tmp_path / "out"
    run = grade("batch", str(folder), "--out", str(out), "--course", str(root), "-j", "2", "--seed", "5")
    assert run.code == 0, run.stderr
    grades = rows(out)
    assert sorted(grades) == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert grades["alice"]["total"] == "10" and grades["frank"]["total"] == "10"
    assert grades["bob"]["total"] == "5" and grades["bob"]["notes"] == ""
    assert grades["carol"]["total"] == "0" and grades["carol"]["notes"] == "toy: 2 errors"
    assert grades["dave"]["total"] == "5" and grades["dave"]["notes"] == "toy: 1 error"
    assert grades["erin"]["total"] == "5" and grades["erin"]["notes"] == "toy: 1 timeout"
    assert {r["status"] for r in grades.values()} == {"graded"}
    feedback = (out / "feedback" / "erin.md").read_text()
    assert "did not finish within 1 s" in feedback
    first = (out / "grades.csv").read_text()
    again = tmp_path / "again"
    grade("batch", str(folder), "--out", str(again), "--course", str(root), "-j", "1", "--seed", "5")
    assert (again / "grades.csv").read_text() == first


def test_a_submission_that_outlasts_its_budget_is_marked_timeout(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1, submission_seconds: 1")
    folder = tmp_path / "subs"
    for name, source in {
        "slow": "import time\ndef one():\n    time.sleep(0.8); return 1\ndef two():\n    time.sleep(0.8); return 2\n",
        "fast": GOOD,
    }.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(source)
    run = grade("batch", str(folder), "--out", str(tmp_path / "out"), "--course", str(root))
    assert run.code == 0, run.stderr
    grades = rows(tmp_path / "out")
    assert grades["fast"]["total"] == "10"
    assert grades["slow"]["notes"] == "toy: 1 timeout"


def test_no_submissions_is_a_clear_error(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    (tmp_path / "empty").mkdir()
    run = grade("batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--course", str(root))
    assert run.code == 2
    assert run.stderr.strip().endswith(
        "no submissions found (directories of modules or notebooks, notebooks, zip files)"
    )


def test_a_submission_that_kills_its_grader_is_marked_error_and_the_rest_go_on(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    folder = tmp_path / "subs"
    killer = "import os, signal\ndef one(): os.kill(os.getppid(), signal.SIGKILL)\ndef two(): return 2\n"
    for name, source in {"killer": killer, "good": GOOD, "other": GOOD}.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(source)
    out = tmp_path / "out"
    run = grade("batch", str(folder), "--out", str(out), "--course", str(root), "-j", "1", "--isolation", "process")
    assert run.code == 1
    grades = rows(out)
    assert grades["killer"]["status"] == "error" and grades["killer"]["total"] == ""
    assert grades["killer"]["notes"] == "the grading process died"
    assert grades["good"]["total"] == grades["other"]["total"] == "10"
