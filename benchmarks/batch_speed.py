"""Batch throughput: `grade batch` on N generated submissions (a third correct, a third with one known
mistake from tests/mutants, a third untouched stubs). Prints submissions per second, seconds per submission
and the CPU seconds per submission of the whole process tree (batch, slots, workers: steadier than wall time
on a busy machine). Run on demand: `python benchmarks/batch_speed.py [--count 200] [--jobs 2] [--isolation auto]`."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.authoring.validate import load_mutants, mutated_copy
from grader.model.course import load_course

ROOT = Path(__file__).resolve().parents[1]


def generate(count: int, folder: Path) -> None:
    """COUNT submissions in FOLDER: correct, partly wrong (one mutant each, in turn) and stubs."""
    course = load_course(ROOT)
    mutants = load_mutants(course)
    for index in range(count):
        target = folder / f"student{index:04d}"
        kind = index % 3
        if kind == 0:
            shutil.copytree(course.solutions_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif kind == 1:
            mutated_copy(course, mutants[index % len(mutants)], target)
        else:
            shutil.copytree(course.exercises_dir, target, ignore=shutil.ignore_patterns("__pycache__"))


def _children_cpu() -> float:
    """User and system CPU seconds of every ended child process (the batch, its slots and their workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        folder = Path(tmp) / "submissions"
        generate(args.count, folder)
        command = [
            sys.executable,
            "-m",
            "grader",
            "batch",
            str(folder),
            "--out",
            str(Path(tmp) / "out"),
            "-j",
            str(args.jobs),
            "--isolation",
            args.isolation,
        ]
        started, cpu_before = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    print(done.stdout.strip() or done.stderr.strip())
    print(
        f"{args.count} submissions, whole course, -j {args.jobs}, isolation {args.isolation}: {seconds:.1f} s wall, "
        f"{args.count / seconds:.2f} submissions/s, {seconds / args.count:.3f} s per submission, "
        f"{cpu / args.count:.3f} CPU-s per submission"
    )


if __name__ == "__main__":
    main()
