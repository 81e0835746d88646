"""Starting the worker process that runs student code, under one of two isolation modes.

"process": its own session and process group, resource limits, a scrubbed environment and an empty
working directory. Everything the grading user can read, student code can read too: right for a
student's laptop, where nothing is secret.

"namespace" (root and bubblewrap, as in CI or Gradescope containers): additionally its own mount, PID,
network, IPC and UTS namespaces; a read-only view of the file system in which the course (solutions,
hidden suites, course.yaml, .git), /root, /home and /tmp are replaced by empty directories; and an
unprivileged uid with no capabilities. Killing the worker ends its PID namespace, so nothing outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import grader
from grader.course import Limits
from grader.errors import GradingError

MODES = ("auto", "process", "namespace")
_KEPT_ENV = ("LANG", "LC_ALL", "TZ")
_SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
_ALWAYS_HIDDEN = ("/root", "/home", "/tmp")
_INSIDE_SUBMISSION, _INSIDE_WORKDIR = "/tmp/submission", "/tmp/work"
# Every namespace but the user namespace: the worker drops to a real unprivileged uid instead, which the
# kernel's process limit and file permissions then apply to.
_UNSHARE = ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try")


@dataclass(frozen=True)
class Isolation:
    """How workers are isolated, and what a namespace worker must not see."""

    mode: str = "process"
    hidden: tuple[Path, ...] = field(default=())


PROCESS = Isolation("process")


def choose_isolation(requested: str, hidden: tuple[Path, ...]) -> Isolation:
    """Resolve "auto" to the strongest mode this machine allows; refuse "namespace" where it cannot work."""
    if requested not in MODES:
        raise GradingError(f"unknown isolation {requested!r} (choose from {', '.join(MODES)})")
    if requested == "process":
        return PROCESS
    if namespaces_work():
        return Isolation("namespace", hidden)
    if requested == "namespace":
        raise GradingError("namespace isolation needs root, bubblewrap (apt-get install bubblewrap) and setpriv")
    return PROCESS


@functools.cache
def namespaces_work() -> bool:
    """True when bubblewrap can build a sandbox here (tried once per process: a few milliseconds)."""
    if os.geteuid() != 0 or not shutil.which("bwrap") or not shutil.which("setpriv"):
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", *_UNSHARE, "--proc", "/proc", "--", "true"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


@dataclass
class WorkerProcess:
    """A running worker: the process, its private pipes and the pipe that carries what it prints."""

    process: subprocess.Popen
    to_worker: int
    from_worker: int
    output: int
    workdir: tempfile.TemporaryDirectory
    namespaced: bool = False

    def wait(self, timeout: float) -> tuple[int | None, int | None]:
        """(signal, exit status) of the ended worker; bubblewrap reports a signal n as status 128 + n."""
        code = self.process.wait(timeout=timeout)
        if code < 0:
            return -code, None
        if self.namespaced and code > 128:
            return code - 128, None
        return None, code

    def kill(self) -> None:
        """Kill the worker's whole process group (and so its namespace) and release pipes and directory."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        _LIVE.discard(self.process.pid)
        _kill_orphans()
        for fd in (self.to_worker, self.from_worker, self.output):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.workdir.cleanup()


def start_worker(submission: Path, limits: Limits, isolation: Isolation = PROCESS) -> WorkerProcess:
    """Start `python -I -m grader.worker` on SUBMISSION under LIMITS, isolated as ISOLATION says."""
    _become_subreaper()
    workdir = tempfile.TemporaryDirectory(prefix="grade-worker-")
    request_read, request_write = os.pipe()
    reply_read, reply_write = os.pipe()
    output_read, output_write = os.pipe()
    worker = [sys.executable, "-I", "-u", "-m", "grader.worker", str(request_read), str(reply_write)]
    if isolation.mode == "namespace":
        uid = 60000 + os.getpid() % 5000
        staged = _stage(submission, Path(workdir.name), uid)
        command = [*_bwrap(staged, workdir.name, isolation.hidden), *_drop_to(uid), *worker, _INSIDE_SUBMISSION]
        home = _INSIDE_WORKDIR
    else:
        command, home = [*worker, str(submission)], workdir.name
    try:
        process = subprocess.Popen(
            command,
            pass_fds=(request_read, reply_write),
            stdin=subprocess.DEVNULL,
            stdout=output_write,
            stderr=output_write,
            cwd=workdir.name,
            env=_worker_env(home),
            start_new_session=True,
            preexec_fn=lambda: _apply_limits(limits, own_uid=isolation.mode == "namespace"),
        )
    finally:
        for fd in (request_read, reply_write, output_write):
            os.close(fd)
    os.set_blocking(output_read, False)
    _LIVE.add(process.pid)
    return WorkerProcess(process, request_write, reply_read, output_read, workdir, isolation.mode == "namespace")


_LIVE: set[int] = set()
_PR_SET_CHILD_SUBREAPER = 36


@functools.cache
def _become_subreaper() -> None:
    """Make orphans re-parent to this process instead of init: a daemon that student code started and
    that left the worker's process group (setsid) can then still be found and killed."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _kill_orphans() -> None:
    """Kill and reap every adopted orphan: children of this process that are not a live worker."""
    for _ in range(10):
        orphans = [pid for pid in _children() if pid not in _LIVE]
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _children() -> list[int]:
    me, found = os.getpid(), []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.append(int(entry.name))
    return found


def _stage(submission: Path, workdir: Path, uid: int) -> Path:
    """A copy of the submission that the worker's uid owns: whatever the original's permissions (a 0600 file
    from an unzip, a 0700 temporary directory), the unprivileged worker can read it."""
    staged = workdir / "submission"
    shutil.copytree(submission, staged, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", ".git"))
    for path in (workdir, staged, *staged.rglob("*")):
        os.chown(path, uid, uid, follow_symlinks=False)
    return staged


def _bwrap(submission: Path, workdir: str, hidden: tuple[Path, ...]) -> list[str]:
    """bubblewrap arguments: hide HIDDEN and the usual secret places, then show back what Python needs."""
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    emptied = sorted({*_ALWAYS_HIDDEN, *map(str, hidden)})
    for path in emptied:
        if os.path.isdir(path):
            command += ["--perms", "0755", "--tmpfs", path]
        elif os.path.exists(path):
            command += ["--ro-bind", "/dev/null", path]
    shown = sorted(_python_paths())
    for directory in _between(emptied, shown):
        command += ["--perms", "0755", "--dir", directory]
    for path in shown:
        command += ["--ro-bind", path, path]
    command += ["--ro-bind", str(submission), _INSIDE_SUBMISSION, "--bind", workdir, _INSIDE_WORKDIR]
    command += ["--chdir", _INSIDE_WORKDIR, *_UNSHARE, "--die-with-parent", "--new-session", "--"]
    return command


def _between(emptied: list[str], shown: list[str]) -> list[str]:
    """The directories between an emptied one and a path shown back inside it, shallowest first: bubblewrap
    would make them 0700, which the worker's unprivileged uid could not pass through."""
    found = set()
    for path in shown:
        for top in emptied:
            if path.startswith(top + os.sep):
                parts = Path(path).relative_to(top).parts[:-1]
                found |= {os.path.join(top, *parts[: i + 1]) for i in range(len(parts))}
    return sorted(found, key=lambda d: (d.count(os.sep), d))


def _python_paths() -> set[str]:
    """The interpreter, its libraries and the grader package: all a worker needs to start."""
    paths = {sys.prefix, sys.base_prefix, str(Path(grader.__file__).parent)}
    paths |= {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    return {p for p in paths if os.path.isdir(p)}


def _drop_to(uid: int) -> list[str]:
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ]


def _worker_env(home: str) -> dict[str, str]:
    """Nothing of the grader's environment (CI secrets, tokens) reaches student code."""
    env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
    env.update({name: "1" for name in _SINGLE_THREAD})
    env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=home, TMPDIR=home, PYTHONHASHSEED="0")
    return env


def _apply_limits(limits: Limits, own_uid: bool) -> None:
    """Runs in the child before exec: limits the kernel enforces even on code that ignores signals.

    The process limit counts every process of a uid, so it is set only where the worker has a uid of its
    own (namespace mode); on a laptop it would count the student's whole desktop session.
    """
    memory = int(limits.memory_mb) * 1024 * 1024
    cpu = int(limits.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if own_uid:
        resource.setrlimit(resource.RLIMIT_NPROC, (int(limits.processes), int(limits.processes)))
