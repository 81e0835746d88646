"""`grade list`, run as a student would: the state of every exercise by its public tests, and what is next."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import ROOT, grade

EXERCISES = ["losses", "differentiation", "gradient", "descent", "activations", "networks"]
LINE = re.compile(r"^\s+\S (\w+)\s+(done|in progress|not started)\s+(\d+) points?\s+(.*)$")


def states(stdout: str) -> dict[str, str]:
    """exercise id -> its state, read from the table `grade list` prints."""
    return {m[1]: m[2] for m in map(LINE.match, stdout.splitlines()) if m}


def test_stubs_are_all_not_started():
    run = grade("list", "exercises")
    assert run.code == 0, run.stderr
    assert states(run.stdout) == dict.fromkeys(EXERCISES, "not started")
    assert "0 of 6 exercises done (0 of 100 points)." in run.stdout
    assert f"Next: losses, in {os.path.join('exercises', 'losses.py')}" in run.stdout


def test_solutions_are_all_done():
    run = grade("list", "solutions")
    assert run.code == 0, run.stderr
    assert states(run.stdout) == dict.fromkeys(EXERCISES, "done")
    assert "6 of 6 exercises done (100 of 100 points)." in run.stdout
    assert "Next:" not in run.stdout
    assert "All done" in run.stdout


def test_a_mix_names_each_state_and_the_first_exercise_left(tmp_path: Path):
    """Reference code for most, a stub for losses, a known mistake for descent: losses is next, in course order."""
    submission = tmp_path / "mine"
    shutil.copytree(ROOT / "solutions", submission)
    shutil.copy(ROOT / "exercises" / "losses.py", submission / "losses.py")
    shutil.copy(ROOT / "tests" / "mutants" / "descent__climbs.py", submission / "descent.py")
    run = grade("list", str(submission), "--course", str(ROOT), cwd=tmp_path)
    assert run.code == 0, run.stderr
    got = states(run.stdout)
    assert got == {
        "losses": "not started",
        "differentiation": "done",
        "gradient": "done",
        "descent": "in progress",
        "activations": "done",
        "networks": "done",
    }
    descent = next(line for line in run.stdout.splitlines() if " descent " in line)
    assert re.search(r"20 points\s+Gradient descent\s+\((\d+) of (\d+) public tests pass\)", descent), descent
    passed, total = map(int, re.search(r"\((\d+) of (\d+)", descent).groups())
    assert 0 < passed < total  # a climbing descent still leaves init_x alone: some tests pass, not all
    assert "4 of 6 exercises done (65 of 100 points)." in run.stdout
    assert f"Next: losses, in {os.path.join('mine', 'losses.py')}; `grade check -e losses` checks it." in run.stdout


def test_a_missing_directory_is_one_line_and_status_2():
    run = grade("list", "no-such-dir")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == ["grade: error: no-such-dir is not a directory of exercise modules"]
