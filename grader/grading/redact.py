"""Keep hidden source out of what the student reads: text that student code controls (an exception message,
printed output) loses every line of a hidden suite or a solution it quotes word for word.

In namespace isolation the worker cannot read those files at all; this is the layer that still holds in
process isolation, where a submission could read a hidden suite and raise it as its error message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from grader.core import i18n
from grader.model.course import Course

MIN_LENGTH = 16  # shorter lines ("return x", "import numpy as np") reveal nothing and occur everywhere
MASK = "[hidden]"


class Redactor:
    """Replaces the secret lines of a course found in a text by MASK.

    A line the grader says itself (a message advising `x = np.array(init_x, dtype=float)`, a hint) is no
    secret even where a solution has it too; what the grader can say is read only once a secret line turns up.
    """

    def __init__(self, secret: Iterable[str], public: Iterable[str], said: Callable[[], Iterable[str]]) -> None:
        known = set(map(_words, public))
        lines = {line for line in map(_words, secret) if len(line) >= MIN_LENGTH and line not in known}
        self.lines = sorted(lines, key=len, reverse=True)  # longest first: a line may contain a shorter one
        self._said = said

    @classmethod
    def for_course(cls, course: Course) -> Redactor:
        """The hidden suites' and the solutions' lines are secret; those of the public suites and stubs are not."""
        hidden = [e.hidden for e in course.exercises if e.hidden is not None]
        solutions = sorted(course.solutions_dir.glob("*.py")) if course.has_solutions else []
        public = [e.public for e in course.exercises] + sorted(course.exercises_dir.glob("*.py"))
        return cls(_lines(hidden + solutions), _lines(public), i18n.message_ids)

    def __call__(self, text: str) -> str:
        """TEXT with each line that quotes a secret line (spacing aside) cut down to MASK where it does."""
        return "\n".join(self._line(line) for line in text.split("\n")) if text else text

    def _line(self, line: str) -> str:
        words = _words(line)
        if not any(secret in words for secret in self.lines):
            return line
        for secret in self._secrets:
            words = words.replace(secret, MASK)
        return words

    @cached_property
    def _secrets(self) -> list[str]:
        said = [_words(text) for text in self._said()]
        return [line for line in self.lines if not any(line in text for text in said)]


def _words(line: str) -> str:
    return " ".join(line.split())


def _lines(paths: Iterable[Path]) -> list[str]:
    """The lines of the files at PATHS that exist."""
    found: list[str] = []
    for path in paths:
        if path.is_file():
            found += path.read_text(encoding="utf-8", errors="replace").splitlines()
    return found
