"""The result of grading: per test, per exercise and overall, as every report format reads it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    isolation_note: str = ""  # why the isolation is weaker than namespaces, limits the platform lacks

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
