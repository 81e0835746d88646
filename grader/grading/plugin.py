"""The pytest plugin that grades: fixtures for the suites, and the record of every test's outcome.

Suites ask for `student` (the submission's module for their exercise, run in the worker), `reference`
(the solution module, in this process; hidden suites only) and `rng` (inputs drawn from the grading
seed and the test's name, so the same seed gives the same grade).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pytest

from grader.core.errors import GradingError
from grader.core.i18n import _, suite_text
from grader.grading.deadline import Overrun, overrun_after
from grader.grading.redact import Redactor
from grader.grading.reference import Reference
from grader.grading.remote import GRACE_SECONDS, Session, StudentCodeError, StudentModule
from grader.model.course import Course, Exercise


@dataclass
class Outcome:
    exercise: str
    visibility: str
    name: str
    description: str
    status: str
    message: str
    output: str
    duration: float
    kind: str = ""  # what went wrong, where student code could not answer (grader.grading.remote.StudentCodeError)


class GradingPlugin:
    def __init__(self, course: Course, session: Session, reference: Reference | None) -> None:
        self._course, self._session, self._reference = course, session, reference
        self.suites: dict[Path, tuple[Exercise, str]] = {}
        for exercise in course.exercises:
            self.suites[exercise.public.resolve()] = (exercise, "public")
            if exercise.hidden is not None:
                self.suites[exercise.hidden.resolve()] = (exercise, "hidden")
        self._suite_by_path: dict[Path, tuple[Exercise, str]] = {}
        self._item: pytest.Item | None = None  # the test that runs
        self.outcomes: list[Outcome] = []
        self.collected: dict[tuple[str, str], list[str]] = {}
        self.collection_errors: list[str] = []

    def begin(self, session: Session) -> None:
        """Grade SESSION next, forgetting the outcomes of the one before."""
        self._session, self.outcomes = session, []

    @cached_property
    def redact(self) -> Redactor:
        """Built on first use: a run where nothing fails and nothing prints never reads the files."""
        return Redactor.for_course(self._course)

    def suite_of(self, item: pytest.Item) -> tuple[Exercise, str]:
        """The exercise and visibility of ITEM's suite (each file's path is resolved once: ~10 ms a run)."""
        if item.path not in self._suite_by_path:
            self._suite_by_path[item.path] = self.suites[Path(item.path).resolve()]
        return self._suite_by_path[item.path]

    # The fixtures take the running test from pytest_runtest_setup, not from `request`: pytest builds a definition
    # of `request` (and inspects its signature) each time a fixture asks for it, ~5 ms of a submission's 70 tests.
    @pytest.fixture
    def student(self) -> StudentModule:
        """The submission's module of the test's exercise. A dependency whose own tests did not all pass is served
        by the reference, and those of its functions are all this test's worker may ask the grader for."""
        exercise = self.suite_of(self._item)[0]
        deps, menu = {}, {}
        if self._reference is not None:
            for dependency in (self._course.exercise(d) for d in exercise.depends):
                if self.passed_all(dependency.id):
                    continue
                deps[dependency.module] = {"functions": list(dependency.functions), "keep": self.imports(dependency.id)}
                served = self._reference.remembering(dependency.module)
                menu |= {(dependency.module, name): getattr(served, name) for name in dependency.functions}
        self._session.menu = menu
        return self._session.module(exercise.module, deps, exercise.module)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A test starts (before pytest's own setup runs its fixtures): its exercise's time left becomes its
        deadline."""
        self._item = item
        self._session.begin_test(self.suite_of(item)[0].id, item.nodeid)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        """The grader's own work in a test (the reference on student input) ends at the exercise's deadline too."""
        with overrun_after(self._session.test_deadline - time.monotonic() + GRACE_SECONDS):
            yield

    def imports(self, exercise_id: str) -> bool:
        """False when the student's module of EXERCISE_ID is missing or fails, hangs or crashes on import: a stand-in
        for it then holds the reference's functions only."""
        return not any(
            o.kind == "no_module" or o.kind.startswith("import") for o in self.outcomes if o.exercise == exercise_id
        )

    def passed_all(self, exercise_id: str) -> bool:
        """True once every collected test of an exercise ran and passed: such a dependency is used as the student
        wrote it; any other is replaced by the reference, so that its mistakes are not charged again here."""
        expected = sum(len(names) for (e, _), names in self.collected.items() if e == exercise_id)
        ran = [o for o in self.outcomes if o.exercise == exercise_id]
        return expected > 0 and len(ran) == expected and all(o.status == "passed" for o in ran)

    @pytest.fixture
    def reference(self):
        exercise = self.suite_of(self._item)[0]
        if self._reference is None:
            raise RuntimeError(_("this suite needs the reference solutions, which this copy of the course lacks"))
        return self._reference.remembering(exercise.module)

    @pytest.fixture
    def rng(self) -> np.random.Generator:
        return np.random.default_rng([self._session.seed, zlib.crc32(self._item.nodeid.encode())])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longrepr}".splitlines()[0])

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            exercise, visibility = self.suite_of(item)
            self.collected.setdefault((exercise.id, visibility), []).append(item.name)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport | None:
        """Record the outcome and build pytest's report with our one sentence as its text: pytest's own
        traceback rendering costs about 15 ms a failure, which a stub with 70 failing tests would feel."""
        if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report for skips
        exc = call.excinfo.value if call.excinfo is not None else None
        if isinstance(exc, Overrun):
            exc = self._session.overrun(self._session.test or item.name)
        status, message = ("passed", "") if exc is None else describe_failure(exc)
        if call.when == "call":
            self._session.end_test(call.duration)
        if call.when == "call" or (call.when == "setup" and status != "passed"):
            kind = exc.kind if isinstance(exc, StudentCodeError) else ""
            self.outcomes.append(self.outcome(item, status, message, call.duration, kind))
        return pytest.TestReport(
            item.nodeid,
            item.location,
            dict.fromkeys(item.keywords, 1),
            "passed" if status == "passed" else "failed",
            message or None,
            call.when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )

    def outcome(self, item: pytest.Item, status: str, message: str, duration: float, kind: str) -> Outcome:
        exercise, visibility = self.suite_of(item)
        doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
        output = self._session.take_output()
        description = suite_text(doc[0]) if doc else ""  # descriptions are messages too (grader.core.babel_extract)
        message = " ".join(message.split())  # one line, whatever student code put in its exception
        if message or output:
            message, output = self.redact(message), self.redact(output)
        return Outcome(exercise.id, visibility, item.name, description, status, message, output, duration, kind)


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """A status and one sentence for a failed test."""
    if isinstance(exc, StudentCodeError):
        return exc.status, exc.message
    if isinstance(exc, GradingError):  # the grader's own problem: the run reports it once it is over
        return "error", str(exc)
    if isinstance(exc, AssertionError):
        lines = str(exc).strip().splitlines()
        return "failed", lines[0] if lines else _("a check failed")
    return "error", _("the test could not check the answer ({error})").format(error=f"{type(exc).__name__}: {exc}")
