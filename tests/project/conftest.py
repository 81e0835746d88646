"""Helpers for the project's own tests: a throw-away course on disk, and the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Tests of what only Linux has: its signal names, /proc, fork, setsid, pgrep, symlinks and permissions as
# student code uses them, and the rlimits macOS refuses. macOS and Windows run the rest (.github/workflows/ci.yml).
LINUX_ONLY = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux (signals, /proc, fork, rlimits)")
WAIT = 90  # seconds a test waits for a running command's next words: generous for a busy machine


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def grade(
    *args: str,
    cwd: Path = ROOT,
    env: dict | None = None,
    timeout: float = 120,
    python: str = sys.executable,
) -> Run:
    """Run `grade ARGS` as a user would, in a fresh interpreter (PYTHON; in English, unless ENV says otherwise).
    Its output is UTF-8 on every system (a Windows pipe would be cp1252), unless ENV's PYTHONIOENCODING says
    otherwise, and is decoded strictly from that encoding."""
    env = {"PYTHONIOENCODING": "utf-8", **(env if env is not None else {**os.environ, "GRADE_LANG": "en"})}
    done = subprocess.run(
        [python, "-m", "grader", *args],
        cwd=cwd,
        capture_output=True,
        encoding=env["PYTHONIOENCODING"],
        timeout=timeout,
        env=env,
    )
    return Run(done.returncode, done.stdout, done.stderr)


class Output:
    """A process's output, read by a thread, so that a test can wait for a text with a deadline."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.seen, self._lines = "", queue.Queue()
        threading.Thread(target=lambda: [self._lines.put(line) for line in process.stdout], daemon=True).start()

    def wait_for(self, text: str, after: int = 0, unless: str | None = None) -> int:
        """Wait until TEXT appears in the output after position AFTER (failing at once if UNLESS does); return
        where it ends."""
        while text not in self.seen[after:]:
            if unless is not None and unless in self.seen[after:]:
                raise AssertionError(f"{unless!r} before {text!r}; the process said:\n{self.seen}")
            try:
                self.seen += self._lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {text!r} within {WAIT} s; the process said:\n{self.seen}") from None
        return self.seen.index(text, after) + len(text)


@pytest.fixture
def toy_course(tmp_path: Path):
    """Make a one-exercise course: `make(suite, modules, limits)` returns its root; the submission is in sub/."""

    def make(suite: str, modules: dict[str, str], limits: str = "call_seconds: 2", extra: str = "") -> Path:
        root = tmp_path / "course"
        (root / "tests").mkdir(parents=True)
        (root / "sub").mkdir()
        (root / "tests" / "test_toy.py").write_text(textwrap.dedent(suite))
        for name, source in modules.items():
            (root / "sub" / f"{name}.py").write_text(textwrap.dedent(source))
        (root / "course.yaml").write_text(
            textwrap.dedent(f"""\
            title: Toy course
            limits: {{{limits}}}
            exercises:
              - id: toy
                title: Toy
                module: toy
                functions: [f]
                points: 10
                public: tests/test_toy.py
            {extra}""")
        )
        return root

    return make
