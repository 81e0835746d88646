"""grade batch keeps DIR/results.jsonl: a batch cut short, even by SIGKILL, resumes without grading anything twice
and ends with one row per submission; --shard slices a batch and grade merge joins the slices."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from test_batch import GOOD, SUITE, make_submissions, rows

from conftest import ROOT, WAIT, grade

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

SLOW = "import time\ndef one():\n    time.sleep(1); return 1\ndef two(): return 2\n"


def journal(out) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def batch(folder, out, root, *options):
    return grade("batch", str(folder), "--out", str(out), "--course", str(root), "--seed", "5", *options)


def test_a_journal_cut_short_resumes_with_what_it_holds(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1")
    folder = make_submissions(root)
    out = tmp_path / "out"
    assert batch(folder, out, root, "-j", "2", "--isolation", "process").code == 0
    first_csv, lines = (out / "grades.csv").read_text(), (out / "results.jsonl").read_text().splitlines(True)
    assert len(lines) == 6
    kept = "".join(lines[:2])
    (out / "results.jsonl").write_text(kept + lines[2][: len(lines[2]) // 2])  # as a kill mid-write leaves it
    (out / "grades.csv").unlink()
    again = batch(folder, out, root, "-j", "2", "--isolation", "process")
    assert again.code == 0, again.stderr
    assert (out / "grades.csv").read_text() == first_csv
    text = (out / "results.jsonl").read_text()
    assert text.startswith(kept)  # the two kept results were not graded again
    assert sorted(line["name"] for line in journal(out)) == sorted(rows(out))  # one line per submission


def test_a_batch_killed_with_sigkill_ends_with_one_row_per_submission(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    folder = tmp_path / "subs"
    names = [f"s{i}" for i in range(6)]
    for name in names:
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(f"# {name}\n{SLOW}")  # the same files would be graded once
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--course", str(root)]
    command += ["--seed", "5", "-j", "1", "--isolation", "process"]
    running = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + WAIT
    while not ((out / "results.jsonl").exists() and len(journal(out)) >= 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(running.pid, signal.SIGKILL)  # the batch, its slot and the worker
    running.wait()
    done_before = len(journal(out))
    assert 2 <= done_before < len(names), "the batch should have been killed mid-run"
    assert not (out / "grades.csv").exists()
    again = batch(folder, out, root, "-j", "1", "--isolation", "process")
    assert again.code == 0, again.stderr
    assert sorted(line["name"] for line in journal(out)) == names
    grades = rows(out)
    assert sorted(grades) == names and {g["total"] for g in grades.values()} == {"10"}


def test_shards_merge_into_the_grades_of_the_whole_batch(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1")
    folder = make_submissions(root)
    whole = tmp_path / "whole"
    assert batch(folder, whole, root, "-j", "2", "--isolation", "process").code == 0
    parts = [tmp_path / f"part{i}" for i in (1, 2, 3)]
    for index, part in enumerate(parts, 1):
        run = batch(folder, part, root, "--shard", f"{index}/3", "-j", "2", "--isolation", "process")
        assert run.code == 0, run.stderr
    sliced = [line["name"] for part in parts for line in journal(part)]
    assert sorted(sliced) == sorted(rows(whole))  # every submission in exactly one slice
    merged = grade("merge", *map(str, parts), "--out", str(tmp_path / "all"), "--course", str(root))
    assert merged.code == 0, merged.stderr
    assert (tmp_path / "all" / "grades.csv").read_text() == (whole / "grades.csv").read_text()
    assert len(journal(tmp_path / "all")) == len(sliced)


def test_merge_refuses_batches_of_another_seed_or_course(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "toy.py").write_text(GOOD)
    for name, seed in (("x", "5"), ("y", "6")):
        run = grade(
            "batch", str(tmp_path / "subs"), "--out", str(tmp_path / name), "--course", str(root), "--seed", seed
        )
        assert run.code == 0, run.stderr
    mixed = grade(
        "merge", str(tmp_path / "x"), str(tmp_path / "y"), "--out", str(tmp_path / "m"), "--course", str(root)
    )
    assert (mixed.code, mixed.stderr.count("\n")) == (2, 1), mixed.stderr
    assert "were graded with different seeds: merge only parts of one batch" in mixed.stderr
    (root / "tests" / "test_toy.py").write_text(SUITE.replace("one() should", "one() must"))
    changed = grade("merge", str(tmp_path / "x"), "--out", str(tmp_path / "m"), "--course", str(root))
    assert changed.code == 2 and "holds grades of another version of the course" in changed.stderr
    bad = grade("batch", str(tmp_path / "subs"), "--out", str(tmp_path / "z"), "--course", str(root), "--shard", "0/3")
    assert bad.code == 2 and bad.stderr == "grade: error: --shard 0/3: expected I/N with 1 <= I <= N, e.g. 3/40\n"


def test_the_feedback_is_in_the_batchs_language_and_a_batch_in_another_is_graded_again(tmp_path):
    """The slots speak the batch's --lang; the journal keys its lines by it, so the same files in English are not
    answered with German feedback, and the two batches do not merge."""
    from grader.authoring.validate import load_mutants, mutated_copy
    from grader.model.course import load_course

    course = load_course(ROOT)
    mutant = next(m for m in load_mutants(course) if m.path.stem == "gradient__forward_difference")
    mutated_copy(course, mutant, tmp_path / "subs" / "forward")
    out = tmp_path / "out"
    base = ("batch", str(tmp_path / "subs"), "--out", str(out), "--isolation", "process", "--seed", "5")
    assert grade(*base, "--lang", "de").code == 0
    assert "Vorwärtsdifferenz" in (out / "feedback" / "forward.md").read_text()
    assert grade(*base, "--lang", "en").code == 0
    assert "forward difference" in (out / "feedback" / "forward.md").read_text()
    assert sorted(line["lang"] for line in journal(out)) == ["de", "en"]  # graded again, not reused
    english = tmp_path / "english"
    assert grade(*base[:3], str(english), *base[4:], "--lang", "en").code == 0
    german = tmp_path / "german"
    assert grade(*base[:3], str(german), *base[4:], "--lang", "de").code == 0
    mixed = grade("merge", str(english), str(german), "--out", str(tmp_path / "m"))
    assert mixed.code == 2 and "were graded in different languages" in mixed.stderr, mixed.stderr


@pytest.mark.skipif(fcntl is None, reason="the journal's lock is POSIX's flock")
def test_a_second_batch_into_the_same_directory_is_refused_while_the_first_runs(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "toy.py").write_text(GOOD)
    (tmp_path / "out").mkdir()
    with (tmp_path / "out" / "results.jsonl").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running batch holds it
        run = grade("batch", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--course", str(root))
    assert run.code == 2
    assert run.stderr.startswith("grade: error: another grade batch is writing ") and run.stderr.count("\n") == 1
    assert batch(tmp_path / "subs", tmp_path / "out", root).code == 0  # once it has ended


def test_the_course_hash_covers_the_courses_own_files(tmp_path):
    """The course's probes, helpers and catalogs decide grades and words: a change to one is a new course, whose
    journal lines are not reused."""
    from grader.grading.journal import course_digest
    from grader.model.course import load_course

    copy = tmp_path / "course"
    for part in ("course", "tests/public", "tests/hidden", "solutions"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "course.yaml", copy)
    before = course_digest(load_course(copy))
    with (copy / "course" / "mistakes.py").open("a") as mistakes:
        mistakes.write("\n# a changed sentence\n")
    assert course_digest(load_course(copy)) != before
