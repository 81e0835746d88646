"""`grade` where POSIX is not: the real CLI in a Python from which the POSIX-only parts are taken away.

How the stripped Python is made: a throw-away virtual environment (`python -m venv`, no pip) whose
site-packages holds `posixless.py` (this folder) and a `posixless.pth` that imports it and then adds this
interpreter's site-packages (numpy, pytest, the grader) with `site.addsitedir`. A `.pth` file is read by every
interpreter started from that environment, also by `python -I` (isolated mode ignores PYTHONPATH and the
user's site-packages, not the environment's), so the grader and the worker it starts with `sys.executable
-I -m grader.sandboxed.worker` both run stripped. The names in `os` and `signal` are hidden from the grader's modules
only; libraries and the standard library keep theirs (see posixless.py). sys.platform still names the real
system: the grader must ask for what it uses (`hasattr(os, "killpg")`, `import resource` in a try) rather than
go by sys.platform alone, as it must on macOS too (killpg, but no settable RLIMIT_AS and no /proc). Where
killpg is missing, Popen.kill() (here SIGKILL, on Windows TerminateProcess) is what is left.

Nothing here asserts how long anything took: a hung call is bounded by the course's limits, the runs by
generous subprocess timeouts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import site
import subprocess
import textwrap
import venv
from pathlib import Path

import pytest
import yaml

from grader.model.course import load_course
from grader.publishing.packaging import public_course_yaml

from conftest import ROOT, WAIT, Output, Run, grade

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="strips POSIX from a POSIX Python; on Windows the real thing runs (ci.yml)"
)

PROBE = """\
import ctypes, importlib, json, os, select, selectors, signal, subprocess, sys
left = []
for name in ("resource", "fcntl", "termios"):
    try:
        importlib.import_module(name)
        left.append(name)
    except ModuleNotFoundError:
        pass
left += [f"os.{n}" for n in ("fork", "killpg", "setsid", "geteuid") if hasattr(os, n)]
left += [f"signal.{n}" for n in ("SIGKILL", "SIGALRM", "SIGXCPU", "alarm") if hasattr(signal, n)]
read, write = os.pipe()
for what, call in [
    ("select.select on a pipe", lambda: select.select([read], [], [], 0)),
    ("selectors on a pipe", lambda: [s.register(read, 1) and s.select(0) for s in [selectors.DefaultSelector()]]),
    ("Popen(preexec_fn=...)", lambda: subprocess.Popen(["true"], preexec_fn=lambda: None)),
    ("Popen(pass_fds=...)", lambda: subprocess.Popen(["true"], pass_fds=(read,))),
    ("ctypes.CDLL(None)", lambda: ctypes.CDLL(None)),
]:
    try:
        call()
        left.append(what)
    except (OSError, ValueError, TypeError):
        pass
sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
sleeper.kill()
killed = sleeper.wait(timeout=60) != 0
echoed = subprocess.run([sys.executable, "-c", "print('hi')"], capture_output=True, text=True, timeout=60).stdout
print(json.dumps({"left": left, "killed": killed, "echoed": echoed, "executable": sys.executable}))
"""


@pytest.fixture(scope="module")
def stripped(tmp_path_factory) -> str:
    """The `python` of a virtual environment whose interpreters all start without the POSIX-only parts."""
    env = tmp_path_factory.mktemp("posixless") / "venv"
    venv.EnvBuilder(symlinks=True, with_pip=False).create(env)
    python = str(env / "bin" / "python")
    where = [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    packages = Path(subprocess.run(where, capture_output=True, text=True, check=True).stdout.strip())
    shutil.copy(Path(__file__).with_name("posixless.py"), packages)
    ours = [p for p in site.getsitepackages() if os.path.isdir(p)]
    (packages / "posixless.pth").write_text(f"import posixless; posixless.add_sites({ours!r})\n")
    return python


# English, UTF-8; an internal error shows its traceback
ENV = {**os.environ, "GRADE_LANG": "en", "PYTHONIOENCODING": "utf-8", "GRADE_DEBUG": "1"}


def run(python: str, *args: str, cwd: Path = ROOT) -> Run:
    """`grade ARGS` in PYTHON."""
    return grade(*args, cwd=cwd, python=python, env=ENV)


def explain(what: str, done: Run) -> str:
    """The assertion message: what failed where POSIX is missing, and what grade said."""
    return (
        f"{what} failed in a Python without resource, fcntl, termios, os.fork/killpg/setsid, signal.SIGKILL, "
        f"select on pipes, Popen(preexec_fn/pass_fds) (exit status {done.code}):\n"
        f"--- stderr ---\n{done.stderr}--- stdout ---\n{done.stdout}"
    )


@pytest.mark.parametrize("flags", [[], ["-I"]], ids=["plain", "isolated"])
def test_the_stripped_python_lacks_the_posix_only_parts_also_in_isolated_mode(stripped, flags):
    """The harness itself: every POSIX-only part is gone (also under -I, as the worker starts), while
    Popen.kill() still ends a process (TerminateProcess on Windows) and subprocess still talks to pipes."""
    done = subprocess.run([stripped, *flags, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {"left": [], "killed": True, "echoed": "hi\n", "executable": stripped}


def test_grade_check_gives_the_reference_full_marks(stripped):
    done = run(stripped, "check", "solutions", "--isolation", "process", "--format", "json")
    assert done.code == 0, explain("grade check solutions --isolation process", done)
    report = done.json()
    assert report["score"] == report["max_score"] == 100, explain("full marks for the reference", done)
    assert "limits not available here: cpu, file size, memory" in report["isolation_note"], report["isolation_note"]
    text = run(stripped, "check", "solutions", "--isolation", "process")
    assert "Limits this platform does not have: cpu, file size, memory" in text.stdout, explain(
        "the text report's line", text
    )


@pytest.fixture
def hanging_course(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the course with a 1 s call limit, and a submission (the reference, but its sigmoid hangs, after
    writing its process id to a file) beside it: (course root, file of process ids)."""
    root = tmp_path / "course"
    for part in ("course", "tests/public", "tests/hidden", "solutions"):
        shutil.copytree(ROOT / part, root / part)
    course = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    course["limits"].update(call_seconds=1, exercise_seconds=60, submission_seconds=120)
    (root / "course.yaml").write_text(yaml.safe_dump(course, allow_unicode=True), encoding="utf-8")
    pids = tmp_path / "pids"
    shutil.copytree(ROOT / "solutions", tmp_path / "hangs")
    module = tmp_path / "hangs" / "activations.py"
    hang = f"""
        def sigmoid(x):
            import os
            with open({str(pids)!r}, "a") as pids:
                print(os.getpid(), file=pids)
            while True:
                pass
    """
    module.write_text(module.read_text() + textwrap.dedent(hang))
    return root, pids


def test_a_hung_function_is_stopped_and_reported_as_a_timeout(stripped, hanging_course):
    root, pids = hanging_course
    try:
        args = ("check", "../hangs", "-e", "activations", "--isolation", "process", "--format", "json")
        done = run(stripped, *args, cwd=root)
        assert done.code == 1 and done.stdout.startswith("{"), explain("grade check on a sigmoid that hangs", done)
        tests = done.json()["exercises"][0]["tests"]
        statuses = {t["name"]: t["status"] for t in tests}
        timeouts = [t for t in tests if t["status"] == "timeout"]
        assert timeouts and all("within 1 s" in t["message"] for t in timeouts), explain("the timeouts", done)
        assert set(statuses.values()) == {"passed", "timeout"}, explain("softmax still passes", done)
        assert "test_softmax_book_example" in [name for name, status in statuses.items() if status == "passed"]
        started = [int(line) for line in pids.read_text().split()]
        assert started, "the hanging sigmoid never ran"
        assert not [pid for pid in started if running(pid)], "a hung worker outlived grade check"
    finally:  # whatever went wrong, no spinning process is left on the machine
        for line in pids.read_text().split() if pids.exists() else []:
            with contextlib.suppress(OSError):
                os.kill(int(line), signal.SIGKILL)


def running(pid: int) -> bool:
    """True while process PID exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def test_grade_list_shows_the_reference_done(stripped):
    done = run(stripped, "list", "solutions")
    assert done.code == 0, explain("grade list solutions", done)
    assert "6 of 6 exercises done (100 of 100 points)." in done.stdout, explain("grade list solutions", done)


def test_grade_hint_shows_a_hint(stripped, hanging_course):
    root, _ = hanging_course
    done = run(stripped, "hint", "gradient", cwd=root)
    assert done.code == 0, explain("grade hint gradient", done)
    assert done.stdout.startswith("Hint 1 of "), explain("grade hint gradient", done)


def test_grade_plot_draws_the_reference(stripped, tmp_path):
    pytest.importorskip("matplotlib")
    done = run(stripped, "plot", "descent", str(ROOT / "solutions"), "-o", str(tmp_path / "descent.png"))
    assert done.code == 0 and (tmp_path / "descent.png").is_file(), explain("grade plot descent", done)


def test_grade_watch_checks_a_saved_module_and_stops_on_ctrl_c(stripped, tmp_path):
    root = tmp_path / "course"
    for part in ("course", "tests/public", "exercises"):
        shutil.copytree(ROOT / part, root / part)
    (root / "course.yaml").write_text(public_course_yaml(load_course(ROOT)), encoding="utf-8")
    command = [stripped, "-m", "grader", "watch"]
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8", env=ENV
    )
    try:
        output = Output(process)
        at = output.wait_for("Ctrl+C stops.", unless="Traceback")
        (root / "exercises" / "losses.py").write_text((ROOT / "solutions" / "losses.py").read_text())
        output.wait_for("losses passes its tests.", at, unless="Traceback")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0, output.seen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)
