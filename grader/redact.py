"""Keep hidden source out of what the student reads: text that student code controls (an exception message,
printed output) loses every line of a hidden suite or a solution it quotes word for word.

In namespace isolation the worker cannot read those files at all; this is the layer that still holds in
process isolation, where a submission could read a hidden suite and raise it as its error message.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.course import Course

MIN_LENGTH = 16  # shorter lines ("return x", "import numpy as np") reveal nothing and occur everywhere
MASK = "[hidden]"


class Redactor:
    """Replaces the secret lines of a course found in a text by MASK."""

    def __init__(self, secret: Iterable[str], public: Iterable[str]) -> None:
        known = set(map(_words, public))
        lines = {line for line in map(_words, secret) if len(line) >= MIN_LENGTH and line not in known}
        self.lines = sorted(lines, key=len, reverse=True)  # longest first: a line may contain a shorter one

    @classmethod
    def for_course(cls, course: Course) -> Redactor:
        """The hidden suites' and the solutions' lines are secret; those of the public suites and stubs are not."""
        hidden = [e.hidden for e in course.exercises if e.hidden is not None]
        solutions = sorted(course.solutions_dir.glob("*.py")) if course.has_solutions else []
        public = [e.public for e in course.exercises] + sorted(course.exercises_dir.glob("*.py"))
        return cls(_lines(hidden + solutions), _lines(public))

    def __call__(self, text: str) -> str:
        """TEXT with each line that quotes a secret line (spacing aside) cut down to MASK where it does."""
        return "\n".join(self._line(line) for line in text.split("\n")) if text else text

    def _line(self, line: str) -> str:
        words = _words(line)
        if not any(secret in words for secret in self.lines):
            return line
        for secret in self.lines:
            words = words.replace(secret, MASK)
        return words


def _words(line: str) -> str:
    return " ".join(line.split())


def _lines(paths: Iterable[Path]) -> list[str]:
    """The lines of the files at PATHS that exist."""
    found: list[str] = []
    for path in paths:
        if path.is_file():
            found += path.read_text(encoding="utf-8", errors="replace").splitlines()
    return found
