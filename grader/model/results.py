"""The result of grading: per test, per exercise and overall, as every report format reads it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from grader.core.i18n import _


@dataclass
class TestResult:
    name: str
    description: str
    status: str  # passed | failed | error | timeout
    score: float
    max_score: float
    visibility: str  # public | hidden
    message: str = ""
    output: str = ""
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseResult:
    id: str
    title: str
    tests: list[TestResult] = field(default_factory=list)
    pending_tests: int = 0
    pending_points: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.tests)

    def failures(self) -> list[tuple[TestResult, int]]:
        """Each failed test whose message no earlier one gave, with how many failed tests give that message: one
        mistake reads as one line, however many tests it fails."""
        counts = Counter(t.message for t in self.tests if not t.passed)
        firsts = {}
        for test in self.tests:
            if not test.passed:
                firsts.setdefault(test.message, test)
        return [(test, counts[message]) for message, test in firsts.items()]

    @property
    def started(self) -> bool:
        """False while every test meets a function that still raises NotImplementedError."""
        return not all("NotImplementedError" in t.message for t in self.tests)


@dataclass
class GradeReport:
    title: str
    seed: int
    isolation: str
    exercises: list[ExerciseResult]
    duration: float = 0.0
    isolation_reason: str = ""  # why the isolation is weaker than namespaces
    unavailable: tuple[str, ...] = ()  # the course's limits this platform could not apply

    @property
    def isolation_note(self) -> str:
        """What the isolation that ran lacked, in one line for reports."""
        notes = [self.isolation_reason] if self.isolation_reason else []
        if self.unavailable:
            notes.append(_("limits not available here: {names}").format(names=", ".join(self.unavailable)))
        return "; ".join(notes)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def pending_tests(self) -> int:
        return sum(e.pending_tests for e in self.exercises)

    @property
    def pending_points(self) -> float:
        return round(sum(e.pending_points for e in self.exercises), 6)

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.exercises)

    def tests(self):
        """Every (exercise, test) pair, in course order."""
        return ((e, t) for e in self.exercises for t in e.tests)


def points(value: float) -> str:
    """Points as people read them: 20, 8.33, 0.5 (two decimals at most, no trailing zeros)."""
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")


def shares(total: float, count: int) -> list[float]:
    """What each of COUNT tests is worth: whole numbers when TOTAL is one (the first tests take the remainder),
    so that nbgrader's cells add up to exactly the exercise's points; else equal shares."""
    if count <= 0:
        return []
    if float(total).is_integer():
        each, remainder = divmod(int(total), count)
        return [float(each + (index < remainder)) for index in range(count)]
    return [total / count] * count
