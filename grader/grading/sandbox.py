"""Starting the worker process that runs student code, under one of three isolation modes.

"process" (any platform, any user): a separate process in its own process group, talking plain data on its
stdin and stdout, with a scrubbed environment, an empty working directory and the limits the platform has. Student
code can read whatever the grading user can read: right for a student's laptop, where nothing is secret.

"uid" (root where namespaces cannot be built, as in a Docker container with default capabilities): in addition,
a fresh unprivileged uid for every submission, with no capabilities and `no_new_privs`, so that file permissions
keep it out of the course, and a seccomp filter that also cuts the network.

"namespace" (bubblewrap: as root in CI or Gradescope containers, or as any user where unprivileged user
namespaces work): in addition, its own mount, PID, network, IPC and UTS namespaces; a read-only view of the file
system in which the course (solutions, hidden suites, course.yaml, .git), /root, /home and /tmp are empty; a
size-limited tmpfs as its only writable directory. Killing the worker ends its PID namespace.

On Linux every mode loads a seccomp filter modelled on Docker's default profile before student code runs (see
grader.sandboxed.worker); "uid" and "namespace" refuse to run without it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grader
from grader.core.errors import GradingError
from grader.core.i18n import LOCALE_DIR, _
from grader.model.course import Limits

MODES = ("auto", "process", "uid", "namespace")
MAX_STAGED_FILES, MAX_STAGED_BYTES = 2000, 50 * 1024 * 1024
_KEPT_ENV = ("LANG", "LC_ALL", "TZ", "SYSTEMROOT")
_SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
_ALWAYS_HIDDEN = ("/root", "/home", "/tmp")
_INSIDE_SUBMISSION, _INSIDE_WORKDIR = "/tmp/submission", "/tmp/work"
_UNSHARE = ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try")
_FIRST_UID, _UIDS = 100_000, 1 << 30  # a fresh uid per submission: nothing one leaves is the next one's


@dataclass(frozen=True)
class Isolation:
    """How workers are isolated, why (when weaker than asked), and what a sandboxed worker must not see."""

    mode: str = "process"
    hidden: tuple[Path, ...] = field(default=())
    reason: str = ""
    own_user_namespace: bool = False  # bubblewrap without root: the worker's uid is the grader's outside


PROCESS = Isolation("process")


def choose_isolation(requested: str, hidden: tuple[Path, ...]) -> Isolation:
    """Resolve "auto" to the strongest mode this machine allows, saying why when that is process isolation;
    refuse a mode that cannot work here."""
    if requested not in MODES:
        raise GradingError(
            _("unknown isolation {mode} (choose from {modes})").format(mode=repr(requested), modes=", ".join(MODES))
        )
    if requested == "process":
        return Isolation("process", reason=_("asked for"))
    if requested == "uid":
        if not (_is_root() and sys.platform == "linux"):
            raise GradingError(_("uid isolation needs root on Linux"))
        return Isolation("uid", hidden, reason=_("asked for"))
    namespaces = namespace_problem()
    if namespaces is None:
        return Isolation("namespace", hidden, own_user_namespace=not _is_root())
    if requested == "namespace":
        raise GradingError(_("namespace isolation cannot run here: {reason}").format(reason=namespaces))
    if _is_root() and sys.platform == "linux":
        return Isolation("uid", hidden, reason=namespaces)
    return Isolation("process", reason=namespaces)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.cache
def namespace_problem() -> str | None:
    """Why bubblewrap cannot build a sandbox here, or None when it can (tried once per process)."""
    if sys.platform != "linux":
        return _("namespaces exist only on Linux")
    if not shutil.which("bwrap"):
        return _("bubblewrap is not installed (apt-get install bubblewrap)")
    if _is_root() and not shutil.which("setpriv"):
        return _("setpriv is not installed (apt-get install util-linux)")
    probe = ["bwrap", "--ro-bind", "/", "/", *_UNSHARE, "--proc", "/proc", "--", "true"]
    if not _is_root():
        probe[1:1] = ["--unshare-user"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return _("bubblewrap cannot create namespaces here: {error}").format(
            error=(done.stderr.strip().splitlines() or ["?"])[-1]
        )
    return None


@dataclass
class Staged:
    """A submission as its workers see it: the directory, and the fresh uid that owns it (sandboxed modes)."""

    directory: Path
    uid: int | None = None


@contextlib.contextmanager
def staged(submission: Path, isolation: Isolation, within: Path | None = None) -> Iterator[Staged]:
    """SUBMISSION made ready for its workers, once per submission: in a sandboxed mode, a bounded copy owned by a
    uid no earlier submission had (whatever the original's permissions, the worker can read it), made in a fresh
    directory of WITHIN (a zygote's staging directory) or of the temporary directory; in process isolation the
    directory itself."""
    if isolation.mode == "process":
        yield Staged(submission)
        return
    uid = None if isolation.own_user_namespace else _FIRST_UID + secrets.randbelow(_UIDS)
    scratch = Path(tempfile.mkdtemp(prefix="grade-stage-", dir=within))
    try:
        copy = scratch / "submission"
        _bounded_copy(submission, copy)
        if uid is not None:
            for path in (scratch, copy, *copy.rglob("*")):
                os.chown(path, uid, uid, follow_symlinks=False)
        yield Staged(copy, uid)
    finally:
        remove_tree(scratch)


def _bounded_copy(source: Path, target: Path) -> None:
    """Copy SOURCE to TARGET, refusing more than MAX_STAGED_FILES files or MAX_STAGED_BYTES bytes."""
    refuse_oversized(source)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", ".git"))
    target.chmod(0o755)


def refuse_oversized(source: Path) -> None:
    """A GradingError when SOURCE holds more than MAX_STAGED_FILES files or MAX_STAGED_BYTES bytes (also checked
    before a submission is sent to a cluster worker)."""
    files = size = 0
    for path in source.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files, size = files + 1, size + path.stat().st_size
        if files > MAX_STAGED_FILES or size > MAX_STAGED_BYTES:
            raise GradingError(
                _("{path} holds more than {files} files or {mb} MiB: submit only the exercise modules").format(
                    path=source, files=MAX_STAGED_FILES, mb=MAX_STAGED_BYTES // 2**20
                )
            )


class WorkerProcess:
    """A running worker: the process, its wire (stdin, stdout) and what it prints (stderr, drained by a thread)."""

    def __init__(self, process: subprocess.Popen, workdir: Path | None, output_limit: int, namespaced: bool) -> None:
        self.process, self.workdir, self.namespaced = process, workdir, namespaced
        self.to_worker, self.from_worker = process.stdin, process.stdout
        self.output_limit = output_limit
        self.output = bytearray()
        self.output_dropped = 0
        self._output_lock = threading.Lock()
        self._drain = threading.Thread(target=self._drain_output, daemon=True, name="grade-worker-output")
        self._drain.start()

    def _drain_output(self) -> None:
        """Keep the first OUTPUT_LIMIT bytes that student code prints, count the rest, and never block it."""
        while chunk := self.process.stderr.read1(1 << 16):
            with self._output_lock:
                room = max(self.output_limit - len(self.output), 0)
                self.output += chunk[:room]
                self.output_dropped += max(len(chunk) - room, 0)

    def take_output(self, settle: bool = False) -> tuple[bytes, int]:
        """What was printed since the last take, and how many bytes of it were dropped; SETTLE waits for the
        output of an ended worker to be read to its end."""
        if settle:
            self._drain.join(timeout=1)
        with self._output_lock:
            taken = (bytes(self.output), self.output_dropped)
            self.output.clear()
            self.output_dropped = 0
        return taken

    def status(self, timeout: float) -> tuple[int | None, int | None]:
        """(signal, exit status) of the ended worker; bubblewrap reports a signal n as status 128 + n."""
        code = self.process.wait(timeout=timeout)
        if code < 0:
            return -code, None
        if self.namespaced and code > 128:
            return code - 128, None
        return None, code

    def stop(self) -> None:
        """Kill the worker and everything it started (safe to call from another thread, and more than once)."""
        kill_tree(self.process)

    def close(self) -> None:
        """Stop the worker, reap it and everything it left, and remove its working directory."""
        self.stop()
        self.process.wait()
        _LIVE.discard(self.process.pid)
        _kill_orphans()
        self.close_streams()
        if self.workdir is not None:
            remove_tree(self.workdir)

    def close_streams(self) -> None:
        """Close the pipes to and from the ended worker, once what it wrote to stderr has been read."""
        for stream in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                stream.close()
        self._drain.join(timeout=1)
        with contextlib.suppress(OSError):
            self.process.stderr.close()


def start_worker(
    submission: Staged, limits: Limits, isolation: Isolation = PROCESS, probes: dict | None = None
) -> WorkerProcess:
    """Start the worker (grader.sandboxed.worker, from this process's grader package) on SUBMISSION under LIMITS,
    isolated as ISOLATION says, with the course's PROBES (its module's source, see grader.grading.course_code) to
    load before student code runs."""
    _become_subreaper()
    config = worker_config(submission, limits, isolation, probes)
    worker = sandboxed_python("worker")
    user: dict = {}
    if isolation.mode == "namespace":
        workdir, home = None, _INSIDE_WORKDIR
        command = [*_bwrap(submission, limits, isolation), *worker, _INSIDE_SUBMISSION, json.dumps(config)]
    else:
        workdir = Path(tempfile.mkdtemp(prefix="grade-worker-"))
        home, command = str(workdir), [*worker, str(submission.directory), json.dumps(config)]
        if submission.uid is not None:
            os.chown(workdir, submission.uid, submission.uid)
            user = {"user": submission.uid, "group": submission.uid, "extra_groups": []}
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir or "/",
        env=_worker_env(home),
        start_new_session=True,
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        **user,
    )
    _LIVE.add(process.pid)
    return WorkerProcess(process, workdir, int(limits.output_kb * 1024), isolation.mode == "namespace")


def sandboxed_python(module: str) -> list[str]:
    """The command that runs grader.sandboxed.MODULE's main(ARGS after it) from the very grader package this process
    runs (a checkout or an install alike, the one the sandbox shows), whatever an isolated interpreter would find on
    its own path. The garbage collector stays off while it imports numpy and itself (a sixth of its start-up's CPU,
    spent traversing objects that all live on); MODULE turns it back on before anything else runs."""
    boot = (
        "import gc, sys; gc.disable(); sys.path.insert(0, sys.argv[1]); "
        f"from grader.sandboxed.{module} import main; main(sys.argv[1:])"
    )
    return [sys.executable, "-I", "-u", "-c", boot, str(Path(grader.__file__).parent.parent)]


def worker_config(submission: Staged, limits: Limits, isolation: Isolation, probes: dict | None) -> dict:
    """What the worker is told on its command line: its limits, whether its uid is its own, whether seccomp must
    load, and the course's PROBES (the source of its probes module) to load before student code runs."""
    return {
        "limits": asdict(limits),
        "own_uid": submission.uid is not None,
        "seccomp": isolation.mode != "process",
        "probes": probes,
    }


def kill_tree(process: subprocess.Popen) -> None:
    """Kill PROCESS and its descendants: its process group on POSIX, its tree (taskkill /T) on Windows."""
    if hasattr(os, "killpg") and hasattr(signal, "SIGKILL"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    with contextlib.suppress(OSError):
        process.kill()


def remove_tree(path: Path) -> None:
    """Remove PATH whatever student code left in it: trees deeper than Python's recursion or PATH_MAX, files
    without permissions, read-only directories."""
    if not os.path.lexists(path):
        return
    with contextlib.suppress(OSError, RecursionError):  # the common case, without starting a process
        shutil.rmtree(path)
        return
    if os.name == "posix" and shutil.which("rm"):
        subprocess.run(["chmod", "-R", "u+rwx", str(path)], capture_output=True, check=False)
        subprocess.run(["rm", "-rf", "--", str(path)], capture_output=True, check=False)
        return

    def writable_then_retry(function, name, _exc) -> None:
        with contextlib.suppress(OSError):
            os.chmod(name, 0o700)
            function(name)

    shutil.rmtree(path, onerror=writable_then_retry)


_LIVE: set[int] = set()
_PR_SET_CHILD_SUBREAPER = 36


@functools.cache
def _become_subreaper() -> None:
    """On Linux, make orphans re-parent to this process instead of init: a daemon that student code started and
    that left the worker's process group (setsid) can then still be found and killed."""
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, TypeError, AttributeError):  # a C library without prctl: no subreaper
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _kill_orphans() -> None:
    """Kill and reap every adopted orphan: children of this process that are not a live worker (Linux)."""
    kill = getattr(signal, "SIGKILL", None)
    if sys.platform != "linux" or kill is None:
        return
    for _round in range(10):
        orphans = [pid for pid in _children() if pid not in _LIVE]
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, kill)
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


def _bwrap(submission: Staged, limits: Limits, isolation: Isolation) -> list[str]:
    """bubblewrap arguments: hide the course and the usual secret places, show back what Python needs, give a
    size-limited tmpfs to write in, then drop to the submission's uid (as root) or map one (without root)."""
    command = _hiding(isolation)
    command += ["--ro-bind", str(submission.directory), _INSIDE_SUBMISSION]
    command += ["--perms", "01777", "--size", str(int(limits.disk_mb) * 2**20), "--tmpfs", _INSIDE_WORKDIR]
    command += _closing(isolation, _INSIDE_WORKDIR)
    if isolation.own_user_namespace:
        return [*command, "--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns", "--"]
    return [*command, "--", *_drop_to(submission.uid)]


def _hiding(isolation: Isolation) -> list[str]:
    """The start of a sandbox's bubblewrap arguments (a worker's, or a zygote's): a read-only view of the file
    system with the course and the usual secret places emptied, what Python needs shown back, no catalogs."""
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    emptied = _emptied(isolation)
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
    command += ["--tmpfs", str(LOCALE_DIR)]  # the catalogs translate the hidden suites' texts: the worker needs none
    return command


def _closing(isolation: Isolation, chdir: str) -> list[str]:
    """The end of a sandbox's bubblewrap arguments, after what is mounted inside the emptied directories: those
    made read-only, CHDIR the working directory, new namespaces, a new session, death with the grader."""
    command = [arg for path in _emptied(isolation) if os.path.isdir(path) for arg in ("--remount-ro", path)]
    return [*command, "--chdir", chdir, *_UNSHARE, "--die-with-parent", "--new-session"]


def _emptied(isolation: Isolation) -> list[str]:
    return sorted({*_ALWAYS_HIDDEN, *map(str, isolation.hidden)})


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
    paths |= {p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")}  # .pth-added too
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
    """Nothing of the grader's environment (CI secrets, tokens, the seed) reaches student code."""
    env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
    env.update({name: "1" for name in _SINGLE_THREAD})
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin" if os.name == "posix" else os.environ.get("PATH", "")
    env.update(HOME=home, TMPDIR=home, TEMP=home, TMP=home, PYTHONHASHSEED="0")
    return {k: v for k, v in env.items() if v}
