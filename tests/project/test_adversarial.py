"""Student code that attacks the grader: each attack gains nothing, breaks nothing else, and leaves nothing
running. Every submission is the reference with `losses.py` replaced by the attack, graded on a copy of
the course; the other five exercises must keep full marks."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from grader.sandbox import namespaces_work

from conftest import ROOT, grade

WRONG = "\ndef sum_squared_error(y, t):\n    return 0.0\n\n\ndef cross_entropy_error(y, t):\n    return 0.0\n"
needs_namespace = pytest.mark.skipif(not namespaces_work(), reason="namespace isolation needs root and bubblewrap")
BOTH = pytest.mark.parametrize("isolation", ["process", pytest.param("namespace", marks=needs_namespace)])


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the course, so that an attack that writes files cannot touch the repository."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "exercises"))
    return copy


def submit(course: Path, source: str) -> Path:
    """The reference solutions with losses.py replaced by SOURCE."""
    submission = course.parent / "submission"
    shutil.copytree(course / "solutions", submission)
    (submission / "losses.py").write_text(textwrap.dedent(source))
    return submission


def grade_attack(course: Path, source: str, isolation: str, *options: str, env: dict | None = None):
    """Run `grade check --format json` on the attack, as a grader in CI would."""
    submission = submit(course, source)
    args = ("check", str(submission), "--course", str(course), "--format", "json", "--isolation", isolation)
    return grade(*args, *options, timeout=300, env=env)


def attack(course: Path, source: str, isolation: str, env: dict | None = None) -> dict:
    """Grade the attack; returns the JSON report, after checking that the other exercises kept full marks."""
    run = grade_attack(course, source, isolation, env=env)
    assert run.code in (0, 1), run.stderr
    report = run.json()
    assert report["isolation"] == isolation
    others = {e["id"]: e["score"] == e["max_score"] for e in report["exercises"] if e["id"] != "losses"}
    assert all(others.values()), f"an attack on losses cost other exercises points: {others}"
    return report


def losses(report: dict) -> dict:
    return next(e for e in report["exercises"] if e["id"] == "losses")


def messages(report: dict) -> list[str]:
    return [t["message"] for t in losses(report)["tests"]]


@BOTH
def test_patching_numpy_math_pytest_and_builtins_gains_nothing(course, isolation):
    source = (
        """
        import builtins, math, sys
        import numpy
        numpy.isclose = lambda *a, **k: True
        numpy.allclose = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        math.isclose = lambda *a, **k: True
        builtins.isinstance = lambda *a: True
        builtins.AssertionError = type("Nothing", (Exception,), {})
        sys.modules["pytest"] = None
    """
        + WRONG
    )
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0


@BOTH
def test_objects_whose_comparisons_and_arithmetic_lie_gain_nothing(course, isolation):
    source = """
        import numpy as np

        class Liar(float):
            def __eq__(self, other): return True
            def __sub__(self, other): return 0.0
            __rsub__ = __sub__
            def __abs__(self): return 0.0
            def __lt__(self, other): return True
            def __array_ufunc__(self, *args, **kwargs): return True

        class LyingArray(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(other), bool)
            def __array_ufunc__(self, *args, **kwargs): return True

        def sum_squared_error(y, t):
            return Liar(0.0)

        def cross_entropy_error(y, t):
            return np.zeros(1).view(LyingArray)
    """
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert any("got a Liar" in m for m in messages(report)), messages(report)


@BOTH
def test_a_value_that_runs_code_when_unpickled_is_never_unpickled(course, isolation, tmp_path):
    marker = tmp_path / "unpickled"
    source = f"""
        import os

        class Bomb:
            def __reduce__(self):
                return (os.system, ("touch {marker}",))

        def sum_squared_error(y, t):
            return Bomb()

        def cross_entropy_error(y, t):
            return [Bomb()]
    """
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert not marker.exists()


@BOTH
def test_deep_recursion_is_a_named_crash(course, isolation):
    source = """
        import sys
        sys.setrecursionlimit(10**8)

        def down(n):  # through a builtin, so that every level costs C stack too
            return list(map(down, [n + 1]))

        def sum_squared_error(y, t):
            return down(0)

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert any("crashed (SIGSEGV)" in m for m in messages(report)), messages(report)


@BOTH
def test_a_memory_hog_is_stopped_at_the_limit(course, isolation):
    source = """
        def sum_squared_error(y, t):
            return len(bytearray(8 * 1024**3))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert any("ran out of memory (limit 2048 MiB)" in m for m in messages(report)), messages(report)


@BOTH
@pytest.mark.parametrize("how", ["raise SystemExit(0)", "import os; os._exit(0)"])
def test_leaving_at_import_costs_only_this_exercise(course, isolation, how):
    report = attack(course, how + "\n" + WRONG, isolation)
    assert losses(report)["score"] == 0
    assert all(m for m in messages(report))


@BOTH
def test_a_daemon_that_leaves_the_process_group_does_not_outlive_grading(course, isolation):
    source = """
        import os, time

        def sum_squared_error(y, t):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execvp("sleep", ["sleep", "97531"])
                os._exit(0)
            while True:
                time.sleep(1)

        def cross_entropy_error(y, t):
            return 0.0
    """
    attack(course, source, isolation)
    left = subprocess.run(["pgrep", "-f", "sleep 97531"], capture_output=True, text=True)
    assert left.stdout == ""


@BOTH
def test_noise_does_not_cost_a_correct_answer(course, isolation):
    source = (ROOT / "solutions" / "losses.py").read_text() + textwrap.dedent("""
        import sys, time, warnings
        _reference_sse = sum_squared_error

        def sum_squared_error(y, t):
            print("x" * 5_000_000)
            sys.stderr.write("warning: noise\\n" * 1000)
            warnings.warn("a warning on stderr")
            np.log(np.zeros(1))
            time.sleep(0.2)
            return _reference_sse(y, t)
    """)
    report = attack(course, source, isolation)
    assert losses(report)["score"] == losses(report)["max_score"]


@needs_namespace
def test_the_course_is_invisible_and_read_only_in_a_namespace(course):
    secrets = [
        course / "solutions" / "losses.py",
        course / "tests" / "hidden" / "test_losses.py",
        course / "course.yaml",
    ]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in secrets}
    source = f"""
        import glob, os

        def attempt(action):
            try:
                return str(action())[:80]
            except Exception as exc:
                return type(exc).__name__

        def sum_squared_error(y, t):
            found = []
            for path in {[str(p) for p in secrets]!r}:
                found.append(attempt(lambda: open(path).read()))
                found.append(attempt(lambda: open(path, "w").write("def test_nothing(): pass")))
            found.append(attempt(lambda: os.listdir(f"/proc/{{os.getppid()}}/cwd")))
            found.append(attempt(lambda: glob.glob("{course}/**", recursive=True)))
            raise RuntimeError(" | ".join(found))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, "namespace")
    text = json.dumps(report)
    assert "BEGIN SOLUTION" not in text and "def test_" not in text and "exercises:" not in text
    assert "FileNotFoundError" in text
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in secrets} == before


@needs_namespace
def test_killing_the_parent_or_its_group_from_a_namespace_changes_nothing(course):
    source = """
        import os, signal

        def sum_squared_error(y, t):
            for target in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                           lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL),
                           lambda: os.kill(-1, signal.SIGKILL)):
                try:
                    target()
                except OSError:
                    pass
            return 0.0

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, "namespace")
    assert losses(report)["score"] == 0


@BOTH
def test_a_fake_report_file_is_overwritten_by_the_real_one(course, tmp_path, isolation):
    report_path = tmp_path / "report.json"
    source = f"""
        def sum_squared_error(y, t):
            try:
                open("{report_path}", "w").write('{{"score": 100}}')
            except OSError:
                pass
            return 0.0

        def cross_entropy_error(y, t):
            return 0.0
    """
    run = grade_attack(course, source, isolation, "--output", str(report_path))
    assert run.code == 1
    assert json.loads(report_path.read_text())["score"] < 100


def tight_limits(course: Path) -> None:
    """Shorter time limits in the course copy, so that attacks on time finish quickly."""
    text = (course / "course.yaml").read_text()
    text = text.replace("call_seconds: 10", "call_seconds: 1").replace("exercise_seconds: 30", "exercise_seconds: 3")
    (course / "course.yaml").write_text(text)


@BOTH
def test_loops_that_ignore_signals_cost_only_their_own_exercise(course, isolation):
    tight_limits(course)
    source = """
        import signal, time
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

        def sum_squared_error(y, t):
            while True:
                pass

        def cross_entropy_error(y, t):
            while True:
                time.sleep(1)
    """
    report = attack(course, source, isolation)
    tests = losses(report)["tests"]
    assert losses(report)["score"] == 0
    assert {t["status"] for t in tests} == {"timeout"}
    assert "did not finish within 1 s and was stopped" in tests[0]["message"]
    assert "used up its 3 s of grading time" in tests[-1]["message"]


@BOTH
@pytest.mark.parametrize(
    ("how", "named"),
    [
        ("import ctypes; ctypes.string_at(0)", "crashed (SIGSEGV)"),
        ("import sys; sys.exit(3)", "called sys.exit(3)"),
        ("import os; os._exit(0)", "ended the process (exit status 0)"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "crashed (SIGKILL)"),
    ],
)
def test_a_call_that_kills_its_own_process_is_named_and_costs_only_its_tests(course, isolation, how, named):
    source = f"""
        def sum_squared_error(y, t):
            {how}

        def cross_entropy_error(y, t):
            {how}
    """
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert all(named in m for m in messages(report)), messages(report)


@BOTH
def test_the_graders_environment_never_reaches_the_report(course, isolation):
    secret = "ci-secret-5f1d2c9a"
    source = """
        import os
        print(dict(os.environ))

        def sum_squared_error(y, t):
            print(os.environ)
            raise RuntimeError(repr(sorted(os.environ.items())))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation, env={**os.environ, "GRADE_TEST_TOKEN": secret})
    assert secret not in json.dumps(report)
    assert losses(report)["score"] == 0


@BOTH
def test_fake_json_printed_by_student_code_does_not_become_the_report(course, isolation):
    fake = '{"score": 100, "max_score": 100, "exercises": []}'
    source = f"""
        import sys
        print({fake!r})
        sys.stdout.flush()

        def sum_squared_error(y, t):
            print({fake!r})
            sys.__stdout__.write({fake!r})
            return 0.0

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)  # the whole standard output parses as one JSON object
    assert report["max_score"] == 100 and report["score"] < 100
    assert losses(report)["score"] == 0


@BOTH
def test_rewriting_the_suites_and_course_yaml_during_grading_changes_nothing(course, isolation):
    permissive = "def test_everything():\n    pass\n"
    targets = [course / "tests" / "hidden" / "test_losses.py", course / "tests" / "public" / "test_losses.py"]
    source = f"""
        def attempt(path, text):
            try:
                open(path, "w").write(text)
            except OSError:
                pass

        def sum_squared_error(y, t):
            for path in {[str(p) for p in targets]!r}:
                attempt(path, {permissive!r})
            attempt({str(course / "course.yaml")!r}, "title: t\nexercises: []\n")
            return 0.0

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert len(losses(report)["tests"]) > 2


@BOTH
def test_hidden_suite_source_raised_as_an_error_message_is_redacted(course, isolation):
    hidden = course / "tests" / "hidden" / "test_losses.py"
    source = f"""
        def sum_squared_error(y, t):
            try:
                text = open({str(hidden)!r}).read()
            except OSError as exc:
                text = repr(exc)
            print(text)
            raise RuntimeError(text[:250])

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    public = {
        " ".join(line.split()) for line in (course / "tests" / "public" / "test_losses.py").read_text().splitlines()
    }
    secret = [
        " ".join(line.split())
        for line in hidden.read_text().splitlines()
        if len(line.strip()) >= 16 and " ".join(line.split()) not in public
    ]
    shown = " ".join(" ".join(f"{t['message']} {t.get('output', '')}".split()) for t in losses(report)["tests"])
    assert secret and not [line for line in secret if line in shown]


@needs_namespace
def test_importing_the_solutions_finds_nothing_in_a_namespace(course):
    source = f"""
        import importlib.util

        def _reference():
            spec = importlib.util.spec_from_file_location("ref", {str(course / "solutions" / "losses.py")!r})
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module

        def sum_squared_error(y, t):
            return _reference().sum_squared_error(y, t)

        def cross_entropy_error(y, t):
            return _reference().cross_entropy_error(y, t)
    """
    report = attack(course, source, "namespace")
    assert losses(report)["score"] == 0
    assert any("FileNotFoundError" in m for m in messages(report)), messages(report)
