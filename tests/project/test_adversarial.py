"""Student code that attacks the grader: each attack gains nothing, breaks nothing else, and leaves nothing
running. Every submission is the reference with `losses.py` replaced by the attack, graded on a copy of
the course; the other five exercises must keep full marks."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.grading.sandbox import namespace_problem

from conftest import LINUX_ONLY, ROOT, grade

WRONG = "\ndef sum_squared_error(y, t):\n    return 0.0\n\n\ndef cross_entropy_error(y, t):\n    return 0.0\n"
needs_namespace = pytest.mark.skipif(
    namespace_problem() is not None, reason="namespace isolation needs root and bubblewrap"
)
BOTH = pytest.mark.parametrize("isolation", ["process", pytest.param("namespace", marks=needs_namespace)])
# "zygote": namespace isolation as a batch slot gives it, each worker forked by the slot's zygote (grade batch)
ZYGOTE = pytest.param("zygote", marks=needs_namespace)
ALL = pytest.mark.parametrize("isolation", ["process", pytest.param("namespace", marks=needs_namespace), ZYGOTE])
NAMESPACED = pytest.mark.parametrize("isolation", [pytest.param("namespace", marks=needs_namespace), ZYGOTE])


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the course, so that an attack that writes files cannot touch the repository."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "exercises"))
    return copy


def submit(course: Path, source: str, module: str = "losses") -> Path:
    """The reference solutions with MODULE.py replaced by SOURCE."""
    submission = course.parent / "submission"
    shutil.copytree(course / "solutions", submission)
    (submission / f"{module}.py").write_text(textwrap.dedent(source))
    return submission


def grade_attack(course: Path, source: str, isolation: str, *options: str, env: dict | None = None, module="losses"):
    """Run `grade check --format json` on the attack, as a grader in CI would."""
    submission = submit(course, source, module)
    args = ("check", str(submission), "--course", str(course), "--format", "json", "--isolation", isolation)
    return grade(*args, *options, timeout=300, env=env)


def grade_batch(
    course: Path, sources: dict[str, str], env: dict | None = None, module: str = "losses", base: Path | None = None
) -> dict:
    """Grade one submission per name of SOURCES (BASE, by default the reference, with MODULE.py replaced by the
    source), in this order, in one batch slot, whose zygote forks every worker; returns each one's JSON report."""
    entries = course.parent / "entries"
    for name, source in sources.items():
        shutil.copytree(base or course / "solutions", entries / name)
        (entries / name / f"{module}.py").write_text(textwrap.dedent(source) + f"\n# {name}\n")
    out = course.parent / "out"
    run = grade("batch", str(entries), "--out", str(out), "--course", str(course), "-j", "1", env=env, timeout=300)
    assert run.code in (0, 1), run.stderr
    results = json.loads((out / "results.json").read_text())
    assert all("exercises" in results[name] for name in sources), results
    return {name: results[name] for name in sources}


def attack(course: Path, source: str, isolation: str, env: dict | None = None, module: str = "losses") -> dict:
    """Grade the attack on MODULE; returns the JSON report, after checking that the exercises of the other modules
    kept full marks."""
    if isolation == "zygote":
        report = grade_batch(course, {"student": source}, env, module)["student"]
        isolation = "namespace"
    else:
        run = grade_attack(course, source, isolation, env=env, module=module)
        assert run.code in (0, 1), run.stderr
        report = run.json()
    assert report["isolation"] == isolation
    others = {e["id"]: e["score"] == e["max_score"] for e in report["exercises"] if e["id"] != module}
    assert all(others.values()), f"an attack on {module} cost other exercises points: {others}"
    return report


def zygote_env(zygote: str) -> dict:
    """The environment of a batch whose slots fork their workers from a zygote ("on") or start each one ("off")."""
    return {**os.environ, "GRADE_LANG": "en", "GRADE_ZYGOTE": zygote}


def losses(report: dict, exercise: str = "losses") -> dict:
    return next(e for e in report["exercises"] if e["id"] == exercise)


def messages(report: dict, exercise: str = "losses") -> list[str]:
    return [t["message"] for t in losses(report, exercise)["tests"]]


@ALL
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


@ALL
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


@ALL
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


@LINUX_ONLY
@ALL
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


@LINUX_ONLY
@ALL
def test_a_memory_hog_is_stopped_at_the_limit(course, isolation):
    source = """
        def sum_squared_error(y, t):
            return len(bytearray(8 * 1024**3))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert any("ran out of memory (limit 2048 MiB)" in m for m in messages(report)), messages(report)


@ALL
@pytest.mark.parametrize("how", ["raise SystemExit(0)", "import os; os._exit(0)"])
def test_leaving_at_import_costs_only_this_exercise(course, isolation, how):
    report = attack(course, how + "\n" + WRONG, isolation)
    assert losses(report)["score"] == 0
    assert all(m for m in messages(report))


@LINUX_ONLY
@ALL
def test_a_daemon_that_leaves_the_process_group_does_not_outlive_grading(course, isolation):
    seconds = str(90_000 + secrets.randbelow(9_999))  # names this run's daemon, whatever else runs this test now
    source = f"""
        import os, time

        def sum_squared_error(y, t):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execvp("sleep", ["sleep", "{seconds}"])
                os._exit(0)
            while True:
                time.sleep(1)

        def cross_entropy_error(y, t):
            return 0.0
    """
    attack(course, source, isolation)
    left = subprocess.run(["pgrep", "-f", f"sleep {seconds}"], capture_output=True, text=True)
    assert left.stdout == ""


@ALL
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


@NAMESPACED
def test_the_course_is_invisible_and_read_only_in_a_namespace(course, isolation):
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
    report = attack(course, source, isolation)
    text = json.dumps(report)
    assert "BEGIN SOLUTION" not in text and "def test_" not in text and "exercises:" not in text
    assert "FileNotFoundError" in text
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in secrets} == before


@NAMESPACED
def test_killing_the_parent_or_its_group_from_a_namespace_changes_nothing(course, isolation):
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
    report = attack(course, source, isolation)
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


@ALL
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


@LINUX_ONLY
@ALL
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


@ALL
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


@ALL
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


@ALL
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


@ALL
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


@NAMESPACED
def test_importing_the_solutions_finds_nothing_in_a_namespace(course, isolation):
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
    report = attack(course, source, isolation)
    assert losses(report)["score"] == 0
    assert any("FileNotFoundError" in m for m in messages(report)), messages(report)


# What the trust boundary holds against a student who takes over the worker itself (issue 10). The worker's own
# objects are found through gc, as an attacker would; every frame below is one the grader must refuse.

FIND_WORKER = """
    import gc, json, struct, time
    import numpy as np

    def _worker():
        return next(o for o in gc.get_objects() if type(o).__name__ == "Worker" and hasattr(o, "wire_out"))

    def _ask(message):
        try:
            return repr(_worker().request(message))[:200]
        except Exception as exc:
            return type(exc).__name__ + ": " + str(exc)[:200]
"""


@ALL
def test_the_worker_cannot_make_the_grader_run_a_name_it_sends(course, isolation, tmp_path):
    marker = tmp_path / "ran-as-grader"
    source = (
        FIND_WORKER
        + f"""
    def sum_squared_error(y, t):
        asked = [
            _ask({{"op": "reference", "module": "subprocess", "function": "getoutput", "args": ["touch {marker}"]}}),
            _ask({{"op": "reference", "module": "builtins", "function": "exec", "args": ["open('{marker}', 'w')"]}}),
            _ask({{"op": "reference", "name": "subprocess.getoutput", "args": ["touch {marker}"]}}),
            _ask({{"op": "eval", "id": 1, "args": [1.0]}}),
        ]
        return 0.0

    def cross_entropy_error(y, t):
        return 0.0
    """
    )
    report = attack(course, source, isolation)
    assert not marker.exists()
    assert losses(report)["score"] == 0
    assert any("does not serve" in m for m in messages(report)), messages(report)


@ALL
def test_a_function_with_no_dependency_gets_no_reference_to_forward_to(course, isolation):
    source = (
        FIND_WORKER
        + """
    def sigmoid(x):
        return _worker().request({"op": "reference", "module": "activations", "function": "sigmoid",
                                  "args": _worker().encode([x]), "kwargs": _worker().encode({})})

    def softmax(x):
        return _worker().request({"op": "reference", "module": "activations", "function": "softmax",
                                  "args": _worker().encode([x]), "kwargs": _worker().encode({})})
    """
    )
    report = attack(course, source, isolation, module="activations")
    assert losses(report, "activations")["score"] == 0
    said = messages(report, "activations")
    assert all("asked the grader for activations." in m and "which it does not serve" in m for m in said), said


@ALL
def test_a_served_dependency_refuses_inputs_larger_than_the_course_needs(course, isolation):
    """A descent whose gradient the reference serves asks it for a huge and a complex gradient: both refused."""
    submission = submit(course, "def numerical_gradient(f, x):\n    raise NotImplementedError\n", "gradient")
    (submission / "descent.py").write_text(
        textwrap.dedent("""
        import numpy as np
        from gradient import numerical_gradient

        def gradient_descent(f, init_x, lr=0.01, step_num=100):
            numerical_gradient(lambda x: 0.0, np.zeros(150_000))
            return np.array(init_x, dtype=float)

        def gradient_ascent(f, init_x, lr=0.01, step_num=100):
            numerical_gradient(lambda x: 0.0, np.zeros(10, dtype=complex))
            return np.array(init_x, dtype=float)
        """)
    )
    if isolation == "zygote":
        sources = {"student": (submission / "gradient.py").read_text()}
        report = grade_batch(course, sources, module="gradient", base=submission)["student"]
    else:
        run = grade("check", str(submission), "--course", str(course), "--format", "json", "--isolation", isolation)
        report = run.json()
    descent = next(e for e in report["exercises"] if e["id"] == "descent")
    said = " ".join(t["message"] for t in descent["tests"])
    assert descent["score"] == 0
    assert "numerical_gradient on more than 20000 numbers" in said and "numerical_gradient on complex numbers" in said


@ALL
def test_a_network_larger_than_its_sizes_is_refused_before_the_reference_trains_it(course, isolation):
    source = (ROOT / "solutions" / "networks.py").read_text() + textwrap.dedent("""
        _Honest = TwoLayerNet

        class TwoLayerNet(_Honest):
            def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
                super().__init__(input_size, 8000, output_size, weight_init_std)
    """)
    report = attack(course, source, isolation, module="networks")
    assert any("should have shape" in m for m in messages(report, "networks")), messages(report, "networks")


@ALL
@pytest.mark.parametrize(
    "frame",
    [
        'struct.pack(">I", 1000) + b"{"',  # half a frame, then silence
        'struct.pack(">I", 3) + b"{"',  # a slow drip would do the same: the deadline is on the whole call
    ],
    ids=["half_frame", "short_frame"],
)
def test_a_frame_that_never_ends_costs_only_the_calls_time(course, isolation, frame):
    tight_limits(course)
    source = (
        FIND_WORKER
        + f"""
    def sum_squared_error(y, t):
        out = _worker().wire_out
        out.write({frame})
        out.flush()
        time.sleep(600)

    def cross_entropy_error(y, t):
        return sum_squared_error(y, t)
    """
    )
    report = attack(course, source, isolation)
    assert {t["status"] for t in losses(report)["tests"]} == {"timeout"}
    assert "did not finish within 1 s and was stopped" in messages(report)[0]


@ALL
@pytest.mark.parametrize(
    ("body", "said"),
    [("b'[' + b'[],' * 5_000_000 + b'[]]'", "lists or objects"), ("b'[' * 5000 + b']' * 5000", "nested deeper")],
    ids=["many_lists", "deep"],
)
def test_frames_that_would_cost_the_grader_memory_are_refused_before_decoding(course, isolation, body, said):
    source = (
        FIND_WORKER
        + f"""
    def sum_squared_error(y, t):
        data = {body}
        out = _worker().wire_out
        out.write(struct.pack(">I", len(data)) + data)
        out.flush()
        time.sleep(600)

    def cross_entropy_error(y, t):
        return sum_squared_error(y, t)
    """
    )
    report = attack(course, source, isolation)
    assert all(said in m for m in messages(report)), messages(report)


@ALL
def test_the_seed_never_reaches_student_code_or_its_messages(course, isolation, tmp_path):
    seed = "918273645"
    source = f"""
        import gc, os, sys

        def _look():
            places = [repr(sys.argv), repr(dict(os.environ)), open("/proc/self/cmdline", "rb").read().decode()]
            for frame in sys._current_frames().values():
                while frame is not None:
                    places.append(repr(frame.f_locals)[:100_000])
                    frame = frame.f_back
            places += [repr(o)[:10_000] for o in gc.get_objects() if isinstance(o, (dict, list, tuple))]
            for directory in (os.getcwd(), os.path.expanduser("~")):
                places += [name for name in os.listdir(directory)]
            seed = "{seed[::-1]}"[::-1]  # made now: as a constant of this code, gc would find it in its own tuples
            return "FOUND" if any(seed in p for p in places) else "none"

        def sum_squared_error(y, t):
            raise RuntimeError("seed: " + _look())

        def cross_entropy_error(y, t):
            return 0.0
    """
    env = {**os.environ, "GRADE_LANG": "en", "GRADE_SEED": seed}
    report = attack(course, source, isolation, env=env)
    assert any("seed: none" in m for m in messages(report)), messages(report)
    if isolation == "zygote":
        return  # what follows is grade check's
    submission = course.parent / "submission"
    for fmt in ("text", "markdown", "gradescope", "junit"):
        run = grade(
            "check", str(submission), "--course", str(course), "--format", fmt, "--isolation", isolation, env=env
        )
        assert seed not in run.stdout, fmt


X86_64_LINUX = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64", reason="system call numbers of x86_64 Linux"
)


@X86_64_LINUX
@ALL
def test_system_calls_that_reach_the_kernel_or_other_students_are_refused(course, isolation):
    source = """
        import ctypes, errno, os, socket

        libc = ctypes.CDLL(None, use_errno=True)
        CALLS = {"add_key": 248, "keyctl": 250, "request_key": 249, "ptrace": 101, "bpf": 321,
                 "perf_event_open": 298, "userfaultfd": 323, "unshare": 272, "mount": 165, "setns": 308}

        def _try(number, *args):
            result = libc.syscall(number, *args)
            return "allowed" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")

        def sum_squared_error(y, t):
            found = {name: _try(number, 0, 0, 0, 0, 0) for name, number in CALLS.items()}
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                found["inet"] = "allowed"
            except OSError as exc:
                found["inet"] = errno.errorcode.get(exc.errno, "?")
            raise RuntimeError(repr(sorted(found.items())))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    said = next(m for m in messages(report) if "add_key" in m)
    assert "allowed" not in said and said.count("EPERM") >= 10 and "('inet', 'EACCES')" in said, said


@needs_namespace
@pytest.mark.parametrize("zygote", ["on", "off"])
def test_each_submission_in_a_batch_runs_as_a_uid_of_its_own(course, tmp_path, zygote):
    entries = tmp_path / "entries"
    for name in ("ann", "bob", "cid"):
        shutil.copytree(course / "solutions", entries / name)
        (entries / name / "losses.py").write_text(  # files of their own: the same files are graded only once
            f"# {name}\nimport os\n\ndef sum_squared_error(y, t):\n    raise RuntimeError(f'uid={{os.getuid()}}=')\n"
            "\ndef cross_entropy_error(y, t):\n    return 0.0\n"
        )
    out = tmp_path / "out"
    run = grade("batch", str(entries), "--out", str(out), "--course", str(course), "-j", "1", env=zygote_env(zygote))
    assert run.code in (0, 1), run.stderr
    uids = {
        n: (tmp_path / "out" / "feedback" / f"{n}.md").read_text().split("uid=")[1].split("=")[0]
        for n in ("ann", "bob", "cid")
    }
    assert len(set(uids.values())) == 3 and "0" not in uids.values(), uids


@LINUX_ONLY
@BOTH
def test_a_submission_root_that_is_a_link_is_refused(course, isolation, tmp_path):
    link = tmp_path / "exercises"
    link.symlink_to(course / "solutions")
    run = grade("check", str(link), "--course", str(course), "--isolation", isolation)
    assert run.code == 2
    assert "is a link to" in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr


@LINUX_ONLY
@ALL
def test_what_student_code_writes_is_bounded(course, isolation):
    source = """
        import os

        def sum_squared_error(y, t):
            with open("big", "wb") as out:
                for _ in range(200):
                    out.write(b"x" * 2**20)
            return 0.0

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert any("File too large" in m or "No space left" in m for m in messages(report)), messages(report)


@LINUX_ONLY
@ALL
def test_deep_trees_and_closed_directories_are_cleaned_up(course, isolation, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    source = """
        import os

        def sum_squared_error(y, t):
            for _ in range(1500):
                os.mkdir("d")
                os.chdir("d")
            open("f", "w").write("x")
            os.chmod(".", 0)
            os._exit(1)

        def cross_entropy_error(y, t):
            os.mkdir("closed")
            open("closed/f", "w").write("x")
            os.chmod("closed", 0)
            return 0.0
    """
    env = {**os.environ, "GRADE_LANG": "en", "TMPDIR": str(scratch)}
    attack(course, source, isolation, env=env)
    assert list(scratch.iterdir()) == []


@needs_namespace
def test_a_submission_of_thousands_of_files_is_refused_before_it_costs_anything(course, tmp_path):
    submission = submit(course, "")
    for i in range(3000):
        (submission / f"junk{i}.txt").write_text("x")
    run = grade("check", str(submission), "--course", str(course), "--isolation", "namespace")
    assert run.code == 2 and "holds more than 2000 files" in run.stderr, run.stderr


@ALL
def test_an_exception_is_judged_by_its_type_not_its_text(course, isolation):
    source = (ROOT / "solutions" / "gradient.py").read_text() + textwrap.dedent("""
        _honest = numerical_gradient

        def numerical_gradient(f, x):
            if x.dtype.kind in "iu":
                raise ValueError("TypeError: integer arrays are not supported")
            return _honest(f, x)
    """)
    report = attack(course, source, isolation, module="gradient")
    failed = [t["name"] for t in losses(report, "gradient")["tests"] if t["status"] != "passed"]
    assert failed and all("integer_array" in name for name in failed), failed


KNOWS_THE_PROBES = """
    import numpy as np

    DERIVATIVES = {
        "square": lambda x, **p: 2 * x,
        "cube": lambda x, **p: 3 * x**2,
        "book_function_1": lambda x, **p: 0.02 * x + 0.1,
        "sine": lambda x, **p: np.cos(x),
        "polynomial": lambda x, a, b, c: a + 2 * b * x + 3 * c * x**2,
        "sphere": lambda x, **p: 2 * x,
    }

    def _exact(f, x):
        derivative = DERIVATIVES.get(getattr(f, "name", None))
        return 0.0 * x if derivative is None else derivative(x, **dict(getattr(f, "params", ())))
"""


@ALL
@pytest.mark.parametrize("exercise", ["differentiation", "gradient"])
def test_a_derivative_that_recognises_the_test_functions_instead_of_differencing_loses_points(
    course, isolation, exercise
):
    if exercise == "differentiation":
        source = (
            KNOWS_THE_PROBES
            + """
    def numerical_diff(f, x):
        return float(_exact(f, x))

    def tangent_line(f, x):
        d = numerical_diff(f, x)
        return lambda t: f(x) + d * (t - x)
    """
        )
    else:
        source = (
            KNOWS_THE_PROBES
            + """
    def numerical_gradient(f, x):
        return np.asarray(_exact(f, np.asarray(x, dtype=float)), dtype=float) * np.ones(np.shape(x))
    """
        )
    report = attack(course, source, isolation, module=exercise)
    failed = [t["name"] for t in losses(report, exercise)["tests"] if t["status"] != "passed"]
    assert any("cannot_see" in name for name in failed), failed


@ALL
def test_a_loop_at_a_modules_top_level_is_blamed_on_the_import(course, isolation):
    tight_limits(course)
    report = attack(course, "while True:\n    pass\n" + WRONG, isolation)
    assert all(m.startswith("importing losses.py did not finish within 1 s") for m in messages(report)[:1])
    assert not any("sum_squared_error did not finish" in m for m in messages(report)), messages(report)


@X86_64_LINUX
@needs_namespace
@pytest.mark.parametrize("zygote", ["on", "off"])
def test_a_key_one_student_leaves_in_the_kernel_never_reaches_the_next(course, tmp_path, zygote):
    """Student a puts their answers in the user keyring; student b, graded next by the same slot, looks for them."""
    keyring = """
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        USER_KEYRING = ctypes.c_int(-4)

        def sum_squared_error(y, t):
            {action}

        def cross_entropy_error(y, t):
            return 0.0
    """
    leave = 'libc.syscall(248, b"user", b"answers", b"0.0975", 6, USER_KEYRING); return 0.0975'
    find = 'raise RuntimeError("found=" + str(libc.syscall(250, 10, USER_KEYRING, b"user", b"answers", 0)))'
    entries = tmp_path / "entries"
    for name, action in (("a", leave), ("b", find)):
        shutil.copytree(course / "solutions", entries / name)
        (entries / name / "losses.py").write_text(textwrap.dedent(keyring.format(action=action)))
    out = tmp_path / "out"
    run = grade("batch", str(entries), "--out", str(out), "--course", str(course), "-j", "1", env=zygote_env(zygote))
    assert run.code in (0, 1), run.stderr
    assert "found=-1" in (tmp_path / "out" / "feedback" / "b.md").read_text()


@NAMESPACED
def test_the_translations_of_the_hidden_suites_texts_are_out_of_sight(course, isolation):
    """The grader package is shown to the worker, but not its catalogs; nor the course's, where the suites' texts
    are: they hold the hidden tests' descriptions."""
    suites = course / "course" / "locale" / "de" / "LC_MESSAGES" / "suites.po"
    assert suites.is_file()
    source = f"""
        import os
        import grader

        def sum_squared_error(y, t):
            catalogs = os.path.join(os.path.dirname(grader.__file__), "core", "locale")
            course = os.path.exists({str(suites)!r})
            raise RuntimeError("catalogs: " + repr(sorted(os.listdir(catalogs))) + " " + str(course))

        def cross_entropy_error(y, t):
            return 0.0
    """
    report = attack(course, source, isolation)
    assert any("catalogs: [] False" in m for m in messages(report)), messages(report)


# What a batch slot's zygote must give each worker it forks (grader.sandboxed.zygote), beyond the attacks above.

FACTS = """
    import json, os

    def _status(pid="self"):
        with open(f"/proc/{pid}/status") as status:
            return dict(line.split(":", 1) for line in status.read().splitlines())

    def _fds():
        kinds = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                kinds.add(os.readlink(f"/proc/self/fd/{fd}").split(":")[0].split("[")[0])
            except OSError:
                pass
        return sorted(kinds)

    def sum_squared_error(y, t):
        status, fds = _status(), _fds()
        with open("/proc/1/cmdline", "rb") as init, open("/proc/net/dev") as net, open("/proc/self/mountinfo") as mnt:
            facts = {
                "ids": sorted({*os.getresuid(), *os.getresgid()}),
                "groups": os.getgroups() + status["Groups"].split(),
                "caps": sorted({int(status[c], 16) for c in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}),
                "nnp": status["NoNewPrivs"].strip(),
                "seccomp": status["Seccomp"].strip(),
                "pid": os.getpid(),
                "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
                "init": b"grader.sandboxed.zygote" in init.read(),
                "init_caps": sorted({int(_status(1)[c], 16) for c in ("CapInh", "CapPrm", "CapEff")}),
                "fds": fds,
                "net": sorted(line.split(":")[0].strip() for line in net.readlines()[2:]),
                "tmp": sorted(os.listdir("/tmp")),
                "staged": os.listdir("/tmp/stage") if os.path.isdir("/tmp/stage") else None,
                "stage": " /tmp/stage " in mnt.read(),
                "cwd": os.getcwd(),
            }
        raise RuntimeError("facts=" + json.dumps(facts, separators=(",", ":")) + "=")

    def cross_entropy_error(y, t):
        return 0.0
"""


def facts(report: dict) -> dict:
    said = next(m for m in messages(report) if "facts=" in m)
    return json.loads(said.split("facts=")[1].rsplit("=", 1)[0])


@needs_namespace
def test_a_forked_worker_has_a_fresh_uid_no_privilege_no_way_back_and_a_namespace_of_its_own(course):
    """What setpriv, bubblewrap's namespaces and a fresh exec give the worker the old way, a forked one has too:
    only its pipes (no socket: not the zygote's control channel), the fresh uid and no capability at all,
    no_new_privs and the seccomp filter, pid 2 in a PID namespace of its own, no network, no staging directory."""
    reports = grade_batch(course, {"ann": FACTS, "bob": FACTS})
    ann, bob = facts(reports["ann"]), facts(reports["bob"])
    for seen in (ann, bob):
        assert seen["init"], "the batch slot's worker was not forked by its zygote"
        assert seen["init_caps"] == [0], seen  # pid 1 only waits, without a capability
        assert len(seen["ids"]) == 1 and seen["ids"][0] >= 100_000 and seen["groups"] == [], seen
        assert seen["caps"] == [0] and seen["nnp"] == "1" and seen["seccomp"] == "2", seen
        assert seen["fds"] == ["/dev/null", "pipe"], seen
        assert seen["pid"] == 2 and seen["pids"] == [1, 2], seen
        assert seen["net"] == ["lo"] and not seen["stage"], seen
        assert {"submission", "work"} < set(seen["tmp"]) and seen["staged"] == [], seen  # the mount point only
        assert seen["cwd"] == "/tmp/work", seen
    assert ann["ids"] != bob["ids"]


LEAVER = """
    import ctypes, os, socket, subprocess

    libc = ctypes.CDLL(None, use_errno=True)

    def sum_squared_error(y, t):
        for path in ("/tmp/work/left", os.path.expanduser("~/left-home"), "/dev/shm/left", "/tmp/left"):
            try:
                open(path, "w").write("answers")
            except OSError:
                pass
        libc.shmget(0x5EED, 4096, 0o1000 | 0o666)  # IPC_CREAT: a segment outlives its process
        libc.msgget(0x5EED, 0o1000 | 0o666)
        if os.fork() == 0:
            os.setsid()
            server = socket.socket(socket.AF_UNIX)
            server.bind("\\0grade-left")
            server.listen()
            master, _ = os.openpty()
            os.execvp("sleep", ["sleep", "{seconds}"])
        return 0.0975

    def cross_entropy_error(y, t):
        return 0.0
"""

FINDER = """
    import ctypes, os, socket

    libc = ctypes.CDLL(None, use_errno=True)

    def _cmdlines():
        found = []
        for pid in os.listdir("/proc"):
            try:
                found.append(open(f"/proc/{pid}/cmdline", "rb").read())
            except OSError:
                pass
        return found

    def _connects():
        try:
            socket.socket(socket.AF_UNIX).connect("\\0grade-left")
            return True
        except OSError:
            return False

    def sum_squared_error(y, t):
        found = {
            "files": [p for p in ("/tmp/work/left", os.path.expanduser("~/left-home"), "/dev/shm/left", "/tmp/left")
                      if os.path.exists(p)],
            "shm": libc.shmget(0x5EED, 0, 0) >= 0,
            "msg": libc.msgget(0x5EED, 0) >= 0,
            "sleep": any(b"{seconds}" in c for c in _cmdlines()),
            "socket": _connects(),
            "pts": sorted(os.listdir("/dev/pts")),
            "work": sorted(os.listdir("/tmp/work")),
        }
        raise RuntimeError("found=" + repr(found) + "=")

    def cross_entropy_error(y, t):
        return 0.0
"""


@needs_namespace
def test_what_one_forked_worker_leaves_never_reaches_the_next(course):
    """The same slot's zygote forks ann's worker, then bob's: bob finds none of ann's files, IPC objects, processes,
    abstract sockets or terminals."""
    seconds = str(90_000 + secrets.randbelow(9_999))
    reports = grade_batch(
        course, {"ann": LEAVER.replace("{seconds}", seconds), "bob": FINDER.replace("{seconds}", seconds)}
    )
    assert any("got 0.0975" in m for m in messages(reports["ann"])), messages(reports["ann"])  # ann's code ran
    said = next(m for m in messages(reports["bob"]) if "found=" in m)
    expected = "{'files': [], 'shm': False, 'msg': False, 'sleep': False, 'socket': False, 'pts': ['ptmx'], 'work': []}"
    assert said.split("found=")[1].rsplit("=", 1)[0] == expected, said
    left = subprocess.run(["pgrep", "-f", f"sleep {seconds}"], capture_output=True, text=True)
    assert left.stdout == ""


KILLER = """
    import ctypes, errno, os, signal

    libc = ctypes.CDLL(None, use_errno=True)

    def sum_squared_error(y, t):
        said = []
        for pid in [-1, 1, os.getppid(), *range(3, 200)]:
            try:
                os.kill(pid, signal.SIGKILL)
                said.append(f"{pid}:sent")
            except OSError as exc:
                if exc.errno != errno.ESRCH:
                    said.append(f"{pid}:{errno.errorcode[exc.errno]}")
        said.append("ptrace:" + str(libc.ptrace(16, 1, 0, 0)))  # PTRACE_ATTACH to pid 1
        raise RuntimeError("said=" + " ".join(said) + "=")

    def cross_entropy_error(y, t):
        return 0.0
"""


@needs_namespace
def test_a_forked_worker_cannot_signal_or_trace_its_zygote_or_the_next_worker(course):
    """ann's worker signals every pid it can name and traces pid 1: in its own PID namespace only pid 1 is there,
    its own init, which runs as root; the zygote survives (ann is graded, not an error) and forks bob's worker."""
    reports = grade_batch(course, {"ann": KILLER, "bob": FACTS})
    said = next(m for m in messages(reports["ann"]) if "said=" in m)
    assert "said=1:EPERM 1:EPERM ptrace:-1=" in said, said  # -1 and 3...199: no such process; 1 is its init, root
    assert facts(reports["bob"])["init"]
