"""The engine against real subprocesses: what student code does to the worker costs only its own tests."""

from __future__ import annotations

import os
import secrets
import subprocess

import pytest

from grader.grading.sandbox import namespace_problem

from conftest import LINUX_ONLY, grade

SUITE = """
    def test_good(student):
        assert student.good() == 1, "good() should return 1"

    def test_bad(student):
        student.bad()
"""


def statuses(run) -> dict[str, tuple[str, str]]:
    tests = run.json()["exercises"][0]["tests"]
    return {t["name"]: (t["status"], t["message"]) for t in tests}


@pytest.fixture(params=["process", "namespace"], autouse=True)
def isolation(request, monkeypatch):
    """Every engine test runs in both isolation modes (namespace needs root and bubblewrap)."""
    if request.param == "namespace" and namespace_problem() is not None:
        pytest.skip("namespace isolation needs root and bubblewrap")
    monkeypatch.setenv("GRADE_ISOLATION", request.param)
    return request.param


def check_toy(root, *extra: str):
    run = grade("check", str(root / "sub"), "--course", str(root), "--format", "json", *extra)
    assert run.code in (0, 1), run.stderr
    return run


def test_a_hung_call_is_killed_and_costs_only_its_test(toy_course):
    root = toy_course(SUITE, {"toy": "def good(): return 1\ndef bad():\n    while True: pass\n"}, "call_seconds: 1")
    run = check_toy(root)
    assert run.code == 1
    status = statuses(run)
    assert status["test_good"] == ("passed", "")
    assert status["test_bad"][0] == "timeout"
    assert "did not finish within 1 s" in status["test_bad"][1]


def test_a_loop_that_ignores_signals_is_still_killed(toy_course):
    source = """
        import signal
        def good(): return 1
        def bad():
            for s in (signal.SIGINT, signal.SIGTERM): signal.signal(s, signal.SIG_IGN)
            while True: pass
    """
    run = check_toy(toy_course(SUITE, {"toy": source}, "call_seconds: 1"))
    assert statuses(run)["test_bad"][0] == "timeout"


@LINUX_ONLY
def test_a_crash_names_the_signal(toy_course):
    source = "import ctypes\ndef good(): return 1\ndef bad(): ctypes.string_at(0)\n"
    status = statuses(check_toy(toy_course(SUITE, {"toy": source})))
    assert status["test_bad"][0] == "error"
    assert "crashed (SIGSEGV)" in status["test_bad"][1]
    assert status["test_good"][0] == "passed"


def test_os_exit_and_sys_exit_are_reported(toy_course):
    suite = (
        SUITE
        + """
    def test_exit(student):
        student.leave()
    """
    )
    source = "import os, sys\ndef good(): return 1\ndef bad(): os._exit(7)\ndef leave(): sys.exit(3)\n"
    status = statuses(check_toy(toy_course(suite, {"toy": source})))
    assert "exit status 7" in status["test_bad"][1]
    assert status["test_exit"] == ("error", "leave called sys.exit(3); return a value instead")
    assert status["test_good"][0] == "passed"


def test_an_import_error_is_reported_with_its_line(toy_course):
    status = statuses(check_toy(toy_course(SUITE, {"toy": "def good(:\n    return 1\n"})))
    status_good, message = status["test_good"]
    assert status_good == "error"
    assert "could not be imported: SyntaxError" in message and message.count("toy.py, line 1") == 1


def test_a_misspelled_function_is_named_with_the_closest_existing_name(toy_course):
    status = statuses(check_toy(toy_course(SUITE, {"toy": "def god(): return 1\ndef bad(): pass\n"})))
    assert status["test_good"] == ("error", "toy.py has no good (did you mean god?)")


def test_a_missing_module_is_named(toy_course):
    status = statuses(check_toy(toy_course(SUITE, {})))
    assert status["test_good"] == ("error", "toy.py is missing")


def test_printed_output_stays_out_of_the_json(toy_course):
    source = 'def good():\n    print(\'{"score": 100}\' * 10000)\n    return 2\ndef bad(): print("x")\n'
    run = check_toy(toy_course(SUITE, {"toy": source}))
    report = run.json()
    assert report["score"] == 5.0 and report["max_score"] == 10.0
    assert statuses(run)["test_good"][1] == "good() should return 1"


@LINUX_ONLY
def test_children_of_a_killed_call_do_not_outlive_grading(toy_course):
    seconds = str(80_000 + secrets.randbelow(9_999))  # names this run's child, whatever else runs this test now
    source = f"""
        import subprocess
        def good(): return 1
        def bad():
            subprocess.Popen(["sleep", "{seconds}"])
            while True: pass
    """
    check_toy(toy_course(SUITE, {"toy": source}, "call_seconds: 1"))
    left = subprocess.run(["pgrep", "-f", f"sleep {seconds}"], capture_output=True, text=True)
    assert left.stdout == ""


def test_student_code_does_not_see_the_graders_environment(toy_course, monkeypatch):
    suite = """
        def test_env(student):
            assert student.secret() is None, "the secret leaked"
    """
    root = toy_course(suite, {"toy": "import os\ndef secret(): return os.environ.get('CI_TOKEN')\n"})
    run = grade("check", str(root / "sub"), "--course", str(root), env={**os.environ, "CI_TOKEN": "hunter2"})
    assert run.code == 0, run.stdout + run.stderr


def test_student_code_runs_with_the_garbage_collector_on(toy_course):
    """The worker imports numpy and itself with the collector off (start-up is cheaper); student code must find it
    on, or a submission that makes cycles would run out of memory where it passes on the student's machine."""
    suite = """
        def test_gc(student):
            assert student.collecting() is True, "the garbage collector is off"
    """
    root = toy_course(suite, {"toy": "import gc\ndef collecting(): return gc.isenabled()\n"})
    run = check_toy(root)
    assert statuses(run) == {"test_gc": ("passed", "")}


def test_the_same_seed_gives_the_same_inputs(toy_course):
    suite = """
        def test_draw(student, rng):
            x = rng.normal(size=3)
            assert student.echo(x).tolist() == [], f"drew {x.tolist()}"
    """
    root = toy_course(suite, {"toy": "def echo(x): return x\n"})
    first, again, other = (check_toy(root, "--seed", s) for s in ("1", "1", "2"))
    assert statuses(first) == statuses(again)
    assert statuses(first) != statuses(other)


@LINUX_ONLY
def test_a_link_out_of_the_submission_is_refused(toy_course, tmp_path):
    root = toy_course(SUITE, {})
    (tmp_path / "elsewhere.py").write_text("def good(): return 1\ndef bad(): return 2\n")
    (root / "sub" / "toy.py").symlink_to(tmp_path / "elsewhere.py")
    run = grade("check", str(root / "sub"), "--course", str(root))
    assert run.code == 2
    assert run.stderr.strip().endswith("toy.py links to a file outside the submission: submit the file itself")


@LINUX_ONLY
def test_a_submission_only_its_owner_can_read_is_still_graded(toy_course):
    root = toy_course(SUITE, {"toy": "def good(): return 1\ndef bad(): return 2\n"})
    (root / "sub" / "toy.py").chmod(0o600)
    (root / "sub").chmod(0o700)
    assert statuses(check_toy(root))["test_good"] == ("passed", "")
