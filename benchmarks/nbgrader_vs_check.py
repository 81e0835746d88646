"""Time `nbgrader autograde` against `grade check` on the same notebook submissions, and check that both
give every student the same score. Needs the instructor extra. Run on demand:
`python benchmarks/nbgrader_vs_check.py [--students 20]`.

The submissions cycle through the reference, the stubs and every mutant in tests/mutants/ (the reference
with one known mistake), each handed in as the release notebooks answered with that code.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.authoring.validate import load_mutants
from grader.model.course import load_course
from grader.publishing.notebooks import answer_release

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "chapter4"


def run(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    """Run COMMAND with this venv's tools on PATH; its wall time and result."""
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done


def hand_in(out: Path, students: int) -> None:
    """Write STUDENTS submissions into OUT/submitted/: reference, stubs, then one mutant each, round robin."""
    course = load_course(ROOT)
    reference = {e.module: (course.solutions_dir / f"{e.module}.py").read_text() for e in course.exercises}
    variants: list[dict[str, str]] = [reference, {}]
    for mutant in load_mutants(course):
        variants.append({**reference, course.exercise(mutant.exercise).module: mutant.path.read_text()})
    release = out / "release" / ASSIGNMENT
    for number in range(students):
        target = out / "submitted" / f"student{number + 1:02d}" / ASSIGNMENT
        answer_release(release, target, course, variants[number % len(variants)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbgrader-bench-") as tmp:
        out = Path(tmp) / "course_dir"
        run([sys.executable, "-m", "grader", "publish", "--out", str(out)], ROOT)
        hand_in(out, args.students)
        nbgrader_seconds, _ = run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], out)
        run([sys.executable, "-m", "nbgrader", "export"], out)
        check = [sys.executable, "-m", "grader", "check", "submitted", "--course", "course", "--format", "json"]
        check_seconds, done = run(check, out)
        with (out / "grades.csv").open() as table:
            by_nbgrader = {row["student_id"]: round(float(row["score"]), 4) for row in csv.DictReader(table)}
        by_check = {s["student"]: round(s["score"], 4) for s in json.loads(done.stdout)["submissions"]}
    n = args.students
    print(f"{n} notebook submissions of {len(load_course(ROOT).exercises)} notebooks each, {os.cpu_count()} cores")
    timed = {f"nbgrader autograde {ASSIGNMENT}": nbgrader_seconds, "grade check submitted/": check_seconds}
    for label, seconds in timed.items():
        print(f"  {label:<33}  {seconds:7.1f} s   {seconds / n:5.2f} s a student")
    print(f"  ratio                              {nbgrader_seconds / check_seconds:7.1f}x")
    agree = by_nbgrader == by_check
    print(f"  scores agree for every student:    {'yes' if agree else 'NO'}")
    if not agree:
        for student in sorted(by_nbgrader.keys() | by_check.keys()):
            print(f"    {student}: nbgrader {by_nbgrader.get(student)}  grade check {by_check.get(student)}")


if __name__ == "__main__":
    main()
