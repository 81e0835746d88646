"""grade batch shows a progress bar on a terminal, and nothing at all when stderr is a pipe or a CI log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from test_batch import GOOD, SUITE

from conftest import ROOT, grade


def submissions(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    folder = tmp_path / "submissions"
    for name in ("ann", "ben", "cid"):
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(GOOD)
    return root, folder


def test_piped_stderr_gets_no_progress_bar(toy_course, tmp_path):
    root, folder = submissions(toy_course, tmp_path)
    run = grade("batch", str(folder), "--out", str(tmp_path / "out"), "--course", str(root), "-j", "2")
    assert run.code == 0
    assert run.stderr == ""
    assert "graded 3 of 3 entries" in run.stdout


def test_a_terminal_sees_the_bar_fill_up(toy_course, tmp_path):
    root, folder = submissions(toy_course, tmp_path)
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(tmp_path / "out")]
    process = subprocess.Popen(
        [*command, "--course", str(root), "-j", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, text=True
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    text = screen.decode(errors="replace")
    assert process.returncode == 0
    assert "grading 3 submissions" in text and "3/3" in text and "#" in text
    assert "graded 3 of 3 entries" in stdout and "grading" not in stdout
