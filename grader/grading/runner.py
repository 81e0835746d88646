"""One grading run: start the worker, run the suites with pytest in this process, score the outcomes."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.grading.course_code import install_course_code
from grader.grading.sandbox import Isolation, choose_isolation
from grader.model.course import Course, Exercise
from grader.model.results import ExerciseResult, GradeReport, TestResult, shares

if TYPE_CHECKING:
    from collections.abc import Callable

    from grader.grading.reference import Reference
    from grader.grading.remote import Session

SEED_VARIABLE, ISOLATION_VARIABLE = "GRADE_SEED", "GRADE_ISOLATION"
# pytest's own plugins that grading never uses; the exception hooks also run gc.collect() twice (~40 ms), and
# logging wraps every phase of every test in handlers of its own (~13 ms of a batch slot's CPU a submission).
_UNUSED_PLUGINS = (
    "unraisableexception",
    "threadexception",
    "faulthandler",
    "doctest",
    "junitxml",
    "pastebin",
    "stepwise",
    "debugging",
    "setuponly",
    "setupplan",
    "logging",
)


def resolve_seed(course: Course, seed: int | None) -> int:
    """--seed, else $GRADE_SEED, else the course's default."""
    if seed is not None:
        return seed
    value = os.environ.get(SEED_VARIABLE)
    if value is None:
        return course.seed
    try:
        return int(value)
    except ValueError:
        raise GradingError(
            _("{variable}={value} is not an integer").format(variable=SEED_VARIABLE, value=repr(value))
        ) from None


def check(
    course: Course, submission: Path, exercise_ids: list[str], seed: int, isolation: str | None = None
) -> GradeReport:
    """Grade SUBMISSION (a directory of modules) on the selected exercises of COURSE.

    ISOLATION is "auto" (the default, or $GRADE_ISOLATION), "process" or "namespace" (see grader.grading.sandbox).
    """
    started = time.monotonic()
    selected = {course.exercise(e).id for e in exercise_ids} or {e.id for e in course.exercises}
    session = open_session(course, submission, seed, isolation)  # its worker starts while pytest loads the suites
    reports: list[GradeReport] = []
    try:
        serve(course, with_dependencies(course, selected), lambda grade: reports.append(grade(session)))
    finally:
        session.finish()
    report = reports[0]
    report.exercises = [e for e in report.exercises if e.id in selected]
    report.duration = time.monotonic() - started
    return report


def with_dependencies(course: Course, selected: set[str]) -> list[Exercise]:
    """The SELECTED exercises and, where the reference can stand in, all they depend on, in course order.

    A dependency whose own tests all pass is used as the student wrote it, any other is replaced by the
    reference (grader.grading.plugin); so that this choice, and with it the grade, is the same whether an exercise is
    checked alone (`-e descent`, a notebook's test cell) or with the whole course, its dependencies' suites
    run too, unreported.
    """
    needed = set(selected)
    if course.has_solutions:
        pending = list(selected)
        while pending:
            for dependency in course.exercise(pending.pop()).depends:
                if dependency not in needed:
                    needed.add(dependency)
                    pending.append(dependency)
    return [e for e in course.exercises if e.id in needed]


def serve(course: Course, exercises: list[Exercise], loop: Callable[[Callable[[Session], GradeReport]], None]) -> None:
    """Load the suites of EXERCISES into one pytest session, then call LOOP with a function that grades an open
    session with them and closes it: a batch slot grades submission after submission without pytest starting
    and collecting again each time. A suite that cannot run is a GradingError, before anything is graded."""
    from grader.grading.plugin import GradingPlugin

    install_course_code(course)
    reference = load_reference(course)
    plugin = GradingPlugin(course, None, reference)
    server = _Server(course, exercises, plugin, loop)
    _pytest(course, plugin, exercises, server)
    if server.error is not None:
        raise server.error


class _Server:
    """The pytest plugin that replaces pytest's run of the collected tests by LOOP's runs, one per session."""

    def __init__(self, course: Course, exercises: list[Exercise], plugin, loop: Callable) -> None:
        self.course, self.exercises, self.plugin, self.loop = course, exercises, plugin, loop
        self.items: list = []
        self.error: GradingError | None = None

    def pytest_runtestloop(self, session) -> bool:
        """Registered after pytest's own plugins, this runs before pytest's loop, and its True ends the hook."""
        if _suite_problem(self.course, self.plugin, self.exercises) is None:
            self.items = session.items
            try:
                self.loop(self.grade)
            except GradingError as exc:  # raised once pytest is done: inside it, it would be an internal error
                self.error = exc
        return True

    def grade(self, session: Session) -> GradeReport:
        """Run every collected test on SESSION's submission (each test again, with fresh fixtures), then close it."""
        try:
            self.plugin.begin(session)
            for index, item in enumerate(self.items):
                following = self.items[index + 1] if index + 1 < len(self.items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        finally:
            session.finish()
        if session.fatal is not None:
            raise session.fatal
        scores = [_score(e, self.plugin) for e in self.exercises]
        report = GradeReport(self.course.title, session.seed, session.isolation.mode, scores)
        if session.isolation.mode != "namespace":
            report.isolation_reason = session.isolation.reason
        report.unavailable = tuple(session.unavailable)
        _note_dependencies(self.course, report)
        return report


def open_session(course: Course, submission: Path, seed: int, isolation: str | None = None) -> Session:
    """A session on SUBMISSION (a directory of modules) whose worker is already starting, isolated as ISOLATION
    ("auto" by default, or $GRADE_ISOLATION; "process" or "namespace", see grader.grading.sandbox) says."""
    if not submission.is_dir():
        raise GradingError(_("{path} is not a directory of exercise modules").format(path=submission))
    refuse_links(submission)
    mode = isolation_for(course, isolation)
    from grader.grading.remote import Session

    probes = install_course_code(course)
    return Session(submission.resolve(), course.limits, seed, isolation=mode, probes=probes)  # its worker starts now


def isolation_for(course: Course, isolation: str | None = None) -> Isolation:
    """The isolation ISOLATION ("auto" by default, or $GRADE_ISOLATION) resolves to for COURSE's workers."""
    return choose_isolation(isolation or os.environ.get(ISOLATION_VARIABLE, "auto"), _secret_paths(course))


def load_reference(course: Course) -> Reference | None:
    """The reference solutions, all imported now, before any student code runs; None without solutions."""
    if not course.has_solutions:
        return None
    from grader.grading.reference import Reference

    reference = Reference(course.solutions_dir)
    reference.load_all([e.module for e in course.exercises])
    return reference


def refuse_links(submission: Path) -> None:
    """A submission that is itself a link, or holds a link to a file outside itself (the solutions, say), is
    refused, in every mode."""
    if submission.is_symlink():
        raise GradingError(
            _("{path} is a link to {target}: submit the directory itself").format(
                path=submission, target=os.readlink(submission)
            )
        )
    root = submission.resolve()
    for path in submission.rglob("*"):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise GradingError(
                _("{path} links to a file outside the submission: submit the file itself").format(path=path)
            )


def _secret_paths(course: Course) -> tuple[Path, ...]:
    """What a namespace worker must not see: the course (suites, course.yaml, .git) and the solutions."""
    hidden = {course.root, course.solutions_dir}
    hidden |= {e.hidden.parent for e in course.exercises if e.hidden is not None}
    return tuple(sorted(hidden))


def collect(course: Course, exercises: list[Exercise]) -> dict[tuple[str, str], list[str]]:
    """The names of the tests in the suites of EXERCISES, by (exercise id, visibility), without running any."""
    from grader.grading.plugin import GradingPlugin

    install_course_code(course)
    plugin = GradingPlugin(course, None, None)
    _pytest(course, plugin, exercises, None, "--collect-only")
    return plugin.collected


def _pytest(course: Course, plugin, exercises: list[Exercise], server: _Server | None, *options: str) -> None:
    """Run pytest on the suites of EXERCISES with PLUGIN (and SERVER to run them); a suite that cannot run is a
    GradingError."""
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # installed plugins (anyio, jupyter's) cost time and trust
    # Exercise by exercise, in course order: an exercise's dependencies are done before it starts.
    suites = [str(s) for e in exercises for s in (e.public, e.hidden) if s is not None and s.is_file()]
    args = [
        *suites,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:warnings",
        *(arg for name in _UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
        "--noconftest",
        "--assert=plain",  # the suites fail with sentences of their own; rewriting them cost ~70 ms a run
        "--import-mode=importlib",
        "--rootdir",
        str(course.root),
        "-o",
        "addopts=",
        "-o",
        "testpaths=",
        *options,
    ]
    code = pytest.main(args, plugins=[plugin] if server is None else [plugin, server])
    problem = _suite_problem(course, plugin, exercises)
    if problem is not None and (plugin.collection_errors or code == pytest.ExitCode.NO_TESTS_COLLECTED):
        raise problem
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt  # Ctrl+C: pytest caught it, and the person who pressed it gets it back
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise GradingError(_("pytest could not run the suites (exit status {code})").format(code=int(code)))
    if problem is not None:
        raise problem


def _suite_problem(course: Course, plugin, exercises: list[Exercise]) -> GradingError | None:
    """What keeps the collected suites from grading: a suite that did not load, no tests at all, or a hidden
    suite whose number of tests is not the one course.yaml gives."""
    if plugin.collection_errors:
        return GradingError(_("a suite could not be loaded: {error}").format(error=plugin.collection_errors[0]))
    if not plugin.collected:
        return GradingError(_("the suites of {ids} hold no tests").format(ids=", ".join(e.id for e in exercises)))
    for exercise in exercises:
        found = len(plugin.collected.get((exercise.id, "hidden"), []))
        if exercise.hidden is not None and exercise.hidden.is_file() and found != exercise.hidden_tests:
            return GradingError(
                _(
                    "course.yaml says exercise {id} has {expected} hidden tests, but {path} has {found}: "
                    "update hidden_tests"
                ).format(
                    id=repr(exercise.id),
                    expected=exercise.hidden_tests,
                    path=exercise.hidden.relative_to(course.root),
                    found=found,
                )
            )


def _score(exercise: Exercise, plugin) -> ExerciseResult:
    """The tests of an exercise, public then hidden, share its points in whole numbers (results.shares)."""
    outcomes = [o for o in plugin.outcomes if o.exercise == exercise.id]
    ran_hidden = any(o.visibility == "hidden" for o in outcomes)
    public = sum(1 for o in outcomes if o.visibility == "public")
    worth = shares(exercise.points, public + exercise.hidden_tests)
    tests = [
        TestResult(
            o.name,
            o.description,
            o.status,
            share if o.status == "passed" else 0.0,
            share,
            o.visibility,
            o.message,
            o.output,
            o.duration,
        )
        for o, share in zip(outcomes, worth, strict=False)  # without the hidden suite, its shares are pending
    ]
    pending = 0 if ran_hidden else exercise.hidden_tests
    return ExerciseResult(exercise.id, exercise.title, tests, pending, round(sum(worth[len(worth) - pending :]), 6))


def _note_dependencies(course: Course, report: GradeReport) -> None:
    """Where the student's own dependency ran (no reference at hand) and fails, say so beside each failure."""
    if course.has_solutions:
        return
    failing = {e.id for e in report.exercises if not e.passed}
    for result in report.exercises:
        broken = [d for d in course.exercise(result.id).depends if d in failing]
        if not broken:
            continue
        note = _(" (this exercise uses your code from {ids}, which fails its own tests: fix that first)").format(
            ids=", ".join(broken)
        )
        for test in result.tests:
            if not test.passed:
                test.message += note
