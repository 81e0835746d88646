"""Batch throughput: `grade batch` on N generated submissions (a third correct, a third with one known
mistake from tests/mutants, a third untouched stubs; each made distinct, since the journal grades the same files
only once), with -j JOBS and with --cluster local:JOBS on the same submissions. Prints submissions per second,
seconds per submission and the CPU seconds per submission of the whole process tree (batch, Dask workers, slots,
workers: steadier than wall time on a busy machine), and what 200 000 submissions cost in CPU-hours at that rate.
Run on demand: `python benchmarks/batch_speed.py [--count 200] [--jobs 2] [--isolation auto] [--no-cluster]`.

Where a submission's CPU went when last measured (2 cores, namespace isolation, Python 3.11, numpy 2; 0.27 CPU-s in
all): ~0.1 s starting its worker, a fresh interpreter that imports numpy (every submission gets a fresh process in a
fresh sandbox, SECURITY.md); ~0.06 s the worker answering some 300 calls; ~0.1 s the slot running the ~70 tests
through pytest. With --jobs at least the number of CPUs, each slot and its workers keep to one CPU
(grader.grading.batch.slot_cpus); --cluster slots do not."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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
        with (target / "losses.py").open("a") as module:
            module.write(f"# submission {index}\n")


def _children_cpu() -> float:
    """User and system CPU seconds of every ended child process (the batch, its slots and their workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def cpu_meter() -> Iterator[tuple[Callable[[], None], Callable[[], float]]]:
    """(join, seconds): a process that calls JOIN (before exec) is counted in SECONDS with all its descendants.
    As root a fresh cgroup counts them all; otherwise the ended children's rusage, which misses what bubblewrap's
    PID namespaces reap themselves (about half of a namespaced batch)."""
    group = _new_cgroup()
    if group is None:
        before = _children_cpu()
        yield (lambda: None), (lambda: _children_cpu() - before)
        return
    try:
        yield functools.partial(_join, group), functools.partial(_cgroup_seconds, group)
    finally:
        with contextlib.suppress(OSError):
            group.rmdir()


def _new_cgroup() -> Path | None:
    """A fresh cgroup that counts CPU time (v1 cpuacct, else v2), or None where we may not make one."""
    for parent in (Path("/sys/fs/cgroup/cpuacct"), Path("/sys/fs/cgroup")):
        group = parent / f"grade-bench-{os.getpid()}"
        with contextlib.suppress(OSError):
            group.mkdir()
            if (group / "cpuacct.usage").exists() or (group / "cpu.stat").exists():
                return group
            group.rmdir()
    return None


def _join(group: Path) -> None:
    (group / "cgroup.procs").write_text(str(os.getpid()))


def _cgroup_seconds(group: Path) -> float:
    if (group / "cpuacct.usage").exists():
        return int((group / "cpuacct.usage").read_text()) / 1e9
    return int((group / "cpu.stat").read_text().split("usage_usec")[1].split()[0]) / 1e6


def measure(folder: Path, out: Path, count: int, isolation: str, how: list[str]) -> None:
    """Run `grade batch` on FOLDER with the options HOW and print its figures."""
    command = [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--isolation", isolation, *how]
    with cpu_meter() as (join, cpu_seconds):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, preexec_fn=join)
        seconds = time.perf_counter() - started
        time.sleep(0.5)  # the last workers' exit
        cpu = cpu_seconds()
    print(done.stdout.strip() or done.stderr.strip())
    print(
        f"{count} submissions, whole course, {' '.join(how)}, isolation {isolation}: {seconds:.1f} s wall, "
        f"{count / seconds:.2f} submissions/s, {seconds / count:.3f} s per submission, "
        f"{cpu / count:.3f} CPU-s per submission, {cpu / count * 200_000 / 3600:.1f} CPU-hours per 200 000"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("--no-cluster", action="store_true", help="only -j JOBS (no Dask installed)")
    args = parser.parse_args()
    ways = [["-j", str(args.jobs)]] + ([] if args.no_cluster else [["--cluster", f"local:{args.jobs}"]])
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        folder = Path(tmp) / "submissions"
        generate(args.count, folder)
        for number, how in enumerate(ways):
            measure(folder, Path(tmp) / f"out{number}", args.count, args.isolation, how)


if __name__ == "__main__":
    main()
