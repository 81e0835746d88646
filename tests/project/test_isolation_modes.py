"""The sandboxed modes beside root's bubblewrap: "uid" (root where no namespace can be built, as in a Docker
container with default capabilities) and namespaces without root (an instructor grading on their own desktop).

Both run the grader from a venv of Debian's Python that every user can read, as Gradescope's setup.sh makes it:
this machine's own Python lives under /root, which an unprivileged uid cannot enter.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")
pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not SYSTEM_PYTHON.exists() or not shutil.which("bwrap"),
    reason="needs Linux, root (to stand in for other users), Debian's python3 and bubblewrap",
)

SPY = """
    import os, socket

    def attempt(action):
        try:
            return str(action())[:60]
        except Exception as exc:
            return type(exc).__name__

    def sum_squared_error(y, t):
        found = {{
            "uid": os.getuid(),
            "solutions": attempt(lambda: open("{course}/solutions/losses.py").read()),
            "hidden": attempt(lambda: open("{course}/tests/hidden/test_losses.py").read()),
            "write": attempt(lambda: open("{course}/course.yaml", "a").write("#")),
            "inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        }}
        raise RuntimeError("spy=" + repr(sorted(found.items())))

    def cross_entropy_error(y, t):
        return 0.0
"""


@pytest.fixture(scope="module")
def place() -> Path:
    """A directory every user may enter, with a venv of the grader built from this checkout."""
    top = Path(tempfile.mkdtemp(prefix="grade-modes-", dir="/var/tmp"))
    top.chmod(0o755)
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(top / "venv")], check=True)
    install = subprocess.run([str(top / "venv/bin/pip"), "install", "-q", str(ROOT)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    yield top
    shutil.rmtree(top, ignore_errors=True)


def spied_course(place: Path, name: str, readable_by_others: bool) -> tuple[Path, Path]:
    """A copy of the course and a submission whose losses.py reports what it could reach."""
    course, submission = place / name / "course", place / name / "submission"
    shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "exercises"))
    shutil.copytree(ROOT / "solutions", submission)
    (submission / "losses.py").write_text(textwrap.dedent(SPY.format(course=course)))
    (place / name).chmod(0o755)
    mode = "go+rX" if readable_by_others else "go-rwx"
    subprocess.run(["chmod", "-R", mode, str(course)], check=True)
    subprocess.run(["chmod", "-R", "go+rX", str(submission)], check=True)
    return course, submission


def graded(place: Path, course: Path, submission: Path, *options: str, env: dict | None = None, user: int = 0):
    command = [str(place / "venv/bin/grade"), "check", str(submission), "--course", str(course), "--format", "json"]
    if user:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    env = {"PATH": os.environ["PATH"], "GRADE_LANG": "en", "HOME": str(place), **(env or {})}
    done = subprocess.run([*command, *options], capture_output=True, text=True, env=env, cwd=place, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    others = [e["id"] for e in report["exercises"] if e["id"] != "losses" and e["score"] != e["max_score"]]
    assert not others, f"other exercises lost points: {others}"
    losses = next(e for e in report["exercises"] if e["id"] == "losses")
    spied = next(t["message"] for t in losses["tests"] if "spy=" in t["message"])
    return report, dict(ast.literal_eval(spied.split("spy=", 1)[1].split("]", 1)[0] + "]"))


def test_uid_isolation_keeps_root_without_namespaces_out_of_the_course(place):
    course, submission = spied_course(place, "uid", readable_by_others=False)
    report, spied = graded(place, course, submission, "--isolation", "uid")
    assert report["isolation"] == "uid"
    assert spied["uid"] >= 100_000
    assert spied["solutions"] == spied["hidden"] == spied["write"] == "PermissionError"
    assert spied["inet"] == "PermissionError"


def test_auto_falls_back_to_uid_isolation_as_root_without_bubblewrap_and_says_why(place, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("rm", "chmod", "setpriv"):  # what the grader calls, without bwrap
        (tools / tool).symlink_to(shutil.which(tool))
    course, submission = spied_course(place, "auto", readable_by_others=False)
    report, spied = graded(place, course, submission, env={"PATH": str(tools)})
    assert report["isolation"] == "uid" and "bubblewrap is not installed" in report["isolation_note"]
    assert spied["solutions"] == "PermissionError" and spied["uid"] != 0


def test_namespaces_without_root_hide_the_course_even_where_others_may_read_it(place):
    course, submission = spied_course(place, "userns", readable_by_others=True)
    report, spied = graded(place, course, submission, user=65534)
    assert report["isolation"] == "namespace"
    assert spied["solutions"] == spied["hidden"] == "FileNotFoundError"
    assert spied["write"] in ("FileNotFoundError", "OSError", "PermissionError")
    assert spied["inet"] == "PermissionError"


def test_in_uid_isolation_no_process_shows_the_seed_on_its_command_line(place):
    """Other uids may read every process's command line (/proc/PID/cmdline): the seed must not be on one."""
    course, submission = spied_course(place, "cmdline", readable_by_others=False)
    (submission / "losses.py").write_text(
        textwrap.dedent("""
        import os

        def sum_squared_error(y, t):
            lines = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    lines.append(open(f"/proc/{pid}/cmdline", "rb").read())
                except OSError:
                    pass
            raise RuntimeError("seen=" + str(any(b"918273645" in line for line in lines)) + f" of {len(lines)}")

        def cross_entropy_error(y, t):
            return 0.0
        """)
    )
    entries = place / "cmdline" / "entries"
    entries.mkdir()
    shutil.move(str(submission), entries / "ann")
    out = place / "cmdline" / "out"
    env = {"PATH": os.environ["PATH"], "GRADE_LANG": "en", "HOME": str(place), "GRADE_SEED": "918273645"}
    command = [str(place / "venv/bin/grade"), "batch", str(entries), "--out", str(out), "--course", str(course)]
    done = subprocess.run([*command, "--isolation", "uid"], capture_output=True, text=True, env=env, cwd=place)
    assert done.returncode in (0, 1), done.stderr
    feedback = (out / "feedback" / "ann.md").read_text()
    assert "seen=False of " in feedback, feedback
