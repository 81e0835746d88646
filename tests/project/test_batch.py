"""grade batch: many submissions, one broken or hanging one never stops or changes the others."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile

import pytest

from grader.authoring.validate import load_mutants, mutated_copy
from grader.grading.batch import slot_cpus
from grader.grading.sandbox import namespace_problem
from grader.model.course import load_course

from conftest import LINUX_ONLY, ROOT, grade

SUITE = """
    def test_one(student):
        assert student.one() == 1, "one() should return 1"

    def test_two(student):
        assert student.two() == 2, "two() should return 2"
"""
GOOD = "def one(): return 1\ndef two(): return 2\n"


def zygote_possible() -> bool:
    return os.name == "posix" and os.geteuid() == 0 and namespace_problem() is None


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
    # One call fits the budget with 0.8 s to spare (a loaded machine needs them), the second cannot.
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 2, submission_seconds: 2")
    folder = tmp_path / "subs"
    for name, source in {
        "slow": "import time\ndef one():\n    time.sleep(1.2); return 1\ndef two():\n    time.sleep(1.2); return 2\n",
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


@LINUX_ONLY
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
    journaled = [json.loads(line)["name"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(journaled) == ["good", "other"]  # a slot that died may be the grader's fault: graded again next run


def notebook(source: str) -> str:
    """A notebook whose one answer cell holds SOURCE, as the published notebooks have them."""
    cell = {
        "cell_type": "code",
        "metadata": {"nbgrader": {"solution": True, "grade": False, "grade_id": "answer"}},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_every_entry_gets_exactly_one_row_whatever_it_is(toy_course, tmp_path):
    """Nothing to grade, a hostile or broken zip, a stray notebook or file: each its own row, the others graded."""
    root = toy_course(SUITE, {"toy": GOOD})
    folder = tmp_path / "subs"
    for name, files in {
        "alice": {"toy.py": GOOD},
        "nested": {"my work/toy.py": GOOD},
        "empty": {},
        "readme": {"README.md": "I will hand in next week"},
    }.items():
        (folder / name).mkdir(parents=True)
        for file, text in files.items():
            (folder / name / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / name / file).write_text(text)
    for name, member in {"evil": "../../evil.py", "absolute": "/tmp/evil.py", "blank": "README.txt"}.items():
        with zipfile.ZipFile(folder / f"{name}.zip", "w") as zipped:
            zipped.writestr(member, GOOD)
    (folder / "corrupt.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "Untitled.ipynb").write_text(notebook(GOOD))
    (folder / "notes.txt").write_text("not a submission")
    (folder / ".DS_Store").write_text("")
    out = tmp_path / "out"
    run = grade("batch", str(folder), "--out", str(out), "--course", str(root), "-j", "2")
    assert run.code == 1, run.stderr
    assert run.stdout.strip() == (
        f"graded 2 of 10 entries into {out / 'grades.csv'}; 3 without a submission; "
        "5 could not be graded (see the status column)"
    )
    grades = rows(out)
    assert len(grades) == 10 and len((out / "grades.csv").read_text().splitlines()) == 11
    assert {n: r["total"] for n, r in grades.items() if r["status"] == "graded"} == {"alice": "10", "nested": "10"}
    assert {n: r["notes"] for n, r in grades.items() if r["status"] == "no submission"} == {
        "empty": "received: nothing",
        "readme": "received: README.md",
        "blank": "received: README.txt",
    }
    errors = {n: r["notes"] for n, r in grades.items() if r["status"] == "error"}
    assert errors == {
        "evil": "evil.zip holds a path outside itself: ../../evil.py",
        "absolute": "absolute.zip holds a path outside itself: /tmp/evil.py",
        "corrupt": "corrupt.zip is not a readable zip file: File is not a zip file",
        "Untitled": "Untitled.ipynb is not the notebook of an exercise",
        "notes": "notes.txt is not a submission (a folder, a zip or a notebook)",
    }
    assert not (tmp_path / "evil.py").exists()
    assert (
        "no exercise module or notebook was found (received: README.md)" in (out / "feedback" / "readme.md").read_text()
    )
    assert sorted(p.stem for p in (out / "feedback").iterdir()) == sorted(grades)
    named = grade("batch", str(folder / "notes.txt"), str(folder / "alice"), "--out", str(out), "--course", str(root))
    assert named.code == 1 and "Traceback" not in named.stderr
    assert {n: r["status"] for n, r in rows(out).items()} == {"notes": "error", "alice": "graded"}


def test_an_nbgrader_submitted_tree_is_a_batch_of_students(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    submitted = tmp_path / "submitted"
    for student, source in {"alice": GOOD, "bob": "def one(): return 1\ndef two(): return 3\n"}.items():
        (submitted / student / "chapter4").mkdir(parents=True)
        (submitted / student / "chapter4" / "01_toy.ipynb").write_text(notebook(source))
    out = tmp_path / "out"
    run = grade("batch", str(submitted), "--out", str(out), "--course", str(root))
    assert run.code == 0, run.stderr
    assert {n: r["total"] for n, r in rows(out).items()} == {"alice": "10", "bob": "5"}


def test_reports_an_instructor_reads_give_no_tip_meant_for_a_student(toy_course, tmp_path):
    """`grade check` on a class's submitted/ tree is the instructor's; on one submission it is the student's."""
    root = toy_course(SUITE, {"toy": "def one(): return 1\ndef two(): return 3\n"})
    alone = grade("check", "sub", cwd=root)
    assert alone.code == 1 and "Stuck? `grade hint toy`" in alone.stdout
    submitted = tmp_path / "submitted"
    for student in ("alice", "bob"):
        (submitted / student / "chapter4").mkdir(parents=True)
        (submitted / student / "chapter4" / "01_toy.ipynb").write_text(notebook("def one(): return 1\n"))
    run = grade("check", str(submitted), "--course", str(root))
    assert run.code == 1 and run.stdout.count("== ") == 2
    assert "Stuck?" not in run.stdout


@LINUX_ONLY
def test_slots_that_fill_the_machine_each_keep_to_one_cpu_with_their_workers(toy_course, tmp_path):
    """With as many slots as CPUs, the workers a slot starts run on its one CPU (a call's round trip stays there),
    whatever isolation puts between them."""
    cpus = sorted(os.sched_getaffinity(0))
    suite = """
        def test_cpus(student):
            assert False, f"cpus {student.cpus()}"
    """
    root = toy_course(suite, {})
    folder = root / "submissions"
    for index in range(2 * len(cpus)):
        (folder / f"s{index}").mkdir(parents=True)
        source = f"import os\ndef cpus(): return sorted(os.sched_getaffinity(0))  # {index}\n"  # distinct: all graded
        (folder / f"s{index}" / "toy.py").write_text(source)
    out = tmp_path / "out"
    run = grade("batch", str(folder), "--out", str(out), "--course", str(root), "-j", str(len(cpus)))
    assert run.code == 0, run.stderr
    results = json.loads((out / "results.json").read_text())
    seen = [r["exercises"][0]["tests"][0]["message"] for r in results.values()]
    assert all(m in {f"cpus [{cpu}]" for cpu in cpus} for m in seen), seen


@LINUX_ONLY
def test_slots_are_kept_to_cpus_only_when_they_fill_the_machine(monkeypatch):
    """Fewer slots than CPUs: the scheduler places them; as many or more: round robin over the usable CPUs."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {2, 3, 5})
    assert slot_cpus(2) == [None, None]
    assert slot_cpus(3) == [2, 3, 5]
    assert slot_cpus(4) == [2, 3, 5, 2]


@pytest.mark.skipif(not zygote_possible(), reason="a zygote needs namespace isolation as root")
def test_workers_forked_by_a_zygote_grade_exactly_as_workers_started_one_by_one(tmp_path):
    """The whole course on correct, mistaken (one mutant each) and untouched submissions: the same grades.csv,
    results and feedback whether each slot's zygote forks the workers or bubblewrap starts each one."""
    course = load_course(ROOT)
    mutants = load_mutants(course)
    folder = tmp_path / "subs"
    for index in range(9):
        target = folder / f"student{index}"
        if index % 3 == 0:
            shutil.copytree(course.solutions_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif index % 3 == 1:
            mutated_copy(course, mutants[(index * 7) % len(mutants)], target)
        else:
            shutil.copytree(course.exercises_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
    outputs = {}
    for zygote in ("on", "off"):
        out = tmp_path / zygote
        env = {**os.environ, "GRADE_LANG": "en", "GRADE_ZYGOTE": zygote}
        run = grade("batch", str(folder), "--out", str(out), "-j", "2", "--seed", "11", env=env, timeout=600)
        assert run.code in (0, 1), run.stderr
        feedback = {p.name: p.read_text() for p in sorted((out / "feedback").iterdir())}
        outputs[zygote] = ((out / "grades.csv").read_text(), (out / "results.json").read_text(), feedback)
    assert outputs["on"] == outputs["off"]
    assert {r["status"] for r in rows(tmp_path / "on").values()} == {"graded"}
