"""`grade` on an output that is not UTF-8 (a Windows pipe or console with a legacy code page): never a
UnicodeEncodeError; ASCII markers where the symbols cannot be shown; Japanese where the encoding has it, and
else English with one line that says how to get UTF-8."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, grade

ADVICE = "so grade speaks English; for UTF-8, set `PYTHONUTF8=1` (or run `chcp 65001` in a Windows console)."


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """The reference, with losses not started and a descent that climbs: every marker has a line to mark."""
    submission = tmp_path_factory.mktemp("encoding") / "mine"
    shutil.copytree(ROOT / "solutions", submission)
    shutil.copy(ROOT / "exercises" / "losses.py", submission / "losses.py")
    shutil.copy(ROOT / "tests" / "mutants" / "descent__climbs.py", submission / "descent.py")
    return submission


@pytest.mark.parametrize("encoding", ["cp1252", "cp932"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_check_list_and_hint_write_what_the_encoding_has(mixed, tmp_path, encoding, lang):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "GRADE_LANG": lang}
    japanese = lang == "ja" and encoding == "cp932"
    check = grade(
        "check",
        str(mixed),
        "-e",
        "losses",
        "-e",
        "descent",
        "-e",
        "activations",
        "--course",
        str(ROOT),
        env=env,
    )
    listed = grade("list", str(mixed), "--course", str(ROOT), env=env)
    hint = grade("hint", "gradient", "--course", str(tmp_course(tmp_path)), env=env)
    for run, code in ((check, 1), (listed, 0), (hint, 0)):
        assert run.code == code, run.stderr
        assert "Error" not in run.stderr, run.stderr
        advice = [line for line in run.stderr.splitlines() if ADVICE in line]
        assert len(advice) == (lang == "ja" and not japanese), run.stderr
    for run in (check, listed):
        assert "[ok] " in run.stdout and "[x]  " in run.stdout and "[ ]  " in run.stdout, run.stdout
    assert ("合計" in check.stdout) == japanese, check.stdout  # Total: ...
    assert ("Total:" in check.stdout) == (not japanese), check.stdout
    assert hint.stdout.startswith("gradient のヒント 1/" if japanese else "Hint 1 of"), hint.stdout


def tmp_course(tmp_path: Path) -> Path:
    """A course of its own for `grade hint`, which remembers in the course how far it got."""
    shutil.copy(ROOT / "course.yaml", tmp_path)
    shutil.copytree(ROOT / "course", tmp_path / "course")
    for suites in ("public", "hidden"):
        shutil.copytree(ROOT / "tests" / suites, tmp_path / "tests" / suites)
    return tmp_path
