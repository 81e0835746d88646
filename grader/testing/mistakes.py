"""Naming a mistake by what it returns: a suite computes what each classic mistake would give on its inputs, and
when a wrong answer is exactly that, fails with the sentence that names the mistake and its fix. A course's own
mistakes live with the course (chapter 4's in course/mistakes.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from grader.core.i18n import _
from grader.testing.checks import fail, fmt, is_close

# A mistake: a function computing what it returns on the test's inputs, and the clause that names it and its fix.
Mistake = tuple[Callable[[], Any], str]


def which_mistake(
    got: Any, want: Any, mistakes: Iterable[Mistake], rtol: float = 1e-6, atol: float = 1e-9
) -> str | None:
    """The clause of the first of MISTAKES whose value GOT equals (within RTOL/ATOL) and WANT does not."""
    for value, clause in mistakes:
        with np.errstate(all="ignore"):
            try:
                candidate = value()
            except (ArithmeticError, ValueError, TypeError, IndexError):
                continue  # the mistake could not even give an answer here, so it is not the one
        if is_close(got, candidate, rtol, atol) and not is_close(candidate, want, rtol, atol):
            return clause
    return None


def name_the_mistake(
    got: Any, want: Any, what: str, mistakes: Iterable[Mistake], rtol: float = 1e-6, atol: float = 1e-9
) -> None:
    """Fail with WHAT, GOT and the clause of the first of MISTAKES whose value GOT equals (within RTOL/ATOL)."""
    clause = which_mistake(got, want, mistakes, rtol, atol)
    if clause is not None:
        sentence = _("{what}: {mistake} (got {got} instead of {want})")
        fail(sentence.format(what=what, mistake=clause, got=fmt(got), want=fmt(want)))


def raised(exc: Exception, *types: str) -> bool:
    """True when student code raised one of TYPES (built-in exception class names), judged by type, not text."""
    judge = getattr(exc, "raised", None)  # a StudentCodeError's (grader.grading.remote): by type, not text
    return callable(judge) and judge(*types)
