"""Time `grade check solutions` (the whole course, public and hidden) against the floor of importing
numpy and pytest, on this machine. Run on demand: `python benchmarks/check_speed.py [--runs N]`."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# As on a student's machine: Python keeps the compiled suites and solutions (__pycache__) between runs.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    """The median wall time of COMMAND over RUNS runs, after one warm-up run."""
    subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=ENV)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    floor = median_seconds([sys.executable, "-c", "import numpy, pytest"], args.runs)
    whole = median_seconds([sys.executable, "-m", "grader", "check", "solutions"], args.runs)
    stubs = median_seconds([sys.executable, "-m", "grader", "check", "exercises"], args.runs)
    one = median_seconds([sys.executable, "-m", "grader", "check", "solutions", "-e", "gradient"], args.runs)
    print(f"median of {args.runs} runs on {Path('/proc/cpuinfo').read_text().count('processor')} cores")
    print(f"  python -c 'import numpy, pytest'        {floor:6.3f} s   (the floor)")
    print(f"  grade check solutions (whole course)    {whole:6.3f} s   {whole / floor:4.2f}x the floor")
    print(f"  grade check exercises (stubs)           {stubs:6.3f} s   {stubs / floor:4.2f}x the floor")
    print(f"  grade check solutions -e gradient       {one:6.3f} s   {one / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()
