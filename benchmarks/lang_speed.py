"""What a language costs at start-up: `grade check solutions` with --lang en, de and ja (runs interleaved, so that
the load of a shared machine hits every language alike), and the time to import polib and parse both catalogs of
a language in-process. Run on demand: `python benchmarks/lang_speed.py [--runs N]`."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "de", "ja")
PARSE = """
import time
started = time.perf_counter()
from grader.core import i18n
from pathlib import Path
i18n.use_course_locale(Path.cwd() / "course" / "locale")  # where course.yaml's `locale` points
sizes = [len(i18n._catalog({lang!r}, domain, i18n._directory(domain))) for domain in ("grader", "course")]
print(time.perf_counter() - started, *sizes)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {lang: [] for lang in LANGS}
    for _ in range(args.runs + 1):  # the first round warms the caches and is dropped
        for lang in LANGS:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "grader", "check", "solutions", "--lang", lang], cwd=ROOT, capture_output=True
            )
            times[lang].append(time.perf_counter() - started)
    english = statistics.median(times["en"][1:])
    print(f"median of {args.runs} interleaved runs")
    for lang in LANGS:
        seconds = statistics.median(times[lang][1:])
        print(f"  grade check solutions --lang {lang}   {seconds:6.3f} s   {1000 * (seconds - english):+5.0f} ms vs en")
    for lang in ("de", "ja"):
        parses = []
        for _ in range(5):
            done = subprocess.run(
                [sys.executable, "-c", PARSE.format(lang=lang)], cwd=ROOT, capture_output=True, text=True
            )
            seconds, grader, course = done.stdout.split()
            parses.append(float(seconds))
        print(
            f"  import polib, parse {lang} catalogs ({grader} + {course} messages)   "
            f"{1000 * statistics.median(parses):5.1f} ms"
        )


if __name__ == "__main__":
    main()
