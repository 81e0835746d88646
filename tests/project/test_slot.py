"""A batch slot loads the suites once and grades submission after submission with them: each report is the one
`grade check` gives for that submission alone, whatever the slot graded before."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import ROOT, grade

SEED = "7"


def without_durations(value):
    if isinstance(value, dict):
        return {k: without_durations(v) for k, v in value.items() if k != "duration"}
    if isinstance(value, list):
        return [without_durations(v) for v in value]
    return value


def slot_answers(course_root, paths) -> list[dict]:
    """Send PATHS to one real slot process, one request a line, and return its answers."""
    requests = "".join(json.dumps({"name": p.name, "path": str(p)}) + "\n" for p in paths)
    done = subprocess.run(
        [sys.executable, "-m", "grader.grading.batch", "--slot", str(course_root), "process"],
        input=requests,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "GRADE_LANG": "en", "GRADE_SEED": SEED},  # the seed is never on a command line
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_each_report_of_a_slot_is_the_one_check_gives_alone(tmp_path):
    broken = tmp_path / "broken_gradient"  # its descent runs on the reference's gradient, served by the grader
    shutil.copytree(ROOT / "solutions", broken, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "exercises" / "gradient.py", broken / "gradient.py")
    order = [broken, ROOT / "solutions", ROOT / "exercises", ROOT / "solutions"]
    answers = slot_answers(ROOT, order)
    assert [a["name"] for a in answers] == [p.name for p in order]
    alone = {}
    for path in order[:3]:
        run = grade("check", str(path), "--format", "json", "--seed", SEED, "--isolation", "process")
        assert run.code in (0, 1), run.stderr
        alone[path.name] = without_durations(run.json())
    for path, answer in zip(order, answers, strict=True):
        assert without_durations(answer["report"]) == alone[path.name], path.name
    scores = [a["report"]["score"] for a in answers]
    assert scores[1] == scores[3] == 100 and scores[2] == 0 and 0 < scores[0] < 100


def test_suites_that_cannot_load_answer_every_request_with_the_reason(toy_course):
    root = toy_course("def test_one(student:\n    pass\n", {"toy": "def f(): return 1\n"})
    answers = slot_answers(root, [root / "sub", root / "sub"])
    assert len(answers) == 2
    for answer in answers:
        assert answer["error"].startswith("a suite could not be loaded: tests/test_toy.py"), answer
    run = grade("check", str(root / "sub"), "--course", str(root))
    assert run.code == 2 and "a suite could not be loaded" in run.stderr
