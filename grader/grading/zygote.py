"""A batch slot's zygote (namespace isolation as root): one sandboxed process that imports the worker once and
forks a fresh, fully isolated worker for every submission (see grader.sandboxed.zygote for what each child gets).

It is started like a worker, in a bubblewrap sandbox that hides what a worker's hides, never forked from this
process (whose memory holds the seed, the hidden suites and the reference). What it sees of the grader is a
staging directory in which each submission's bounded copy is made (each child sees only its own, read-only)
and a control socket. A child is killed by asking the zygote, which kills its PID namespace; a zygote that
does not answer in time is killed with its whole sandbox, and the next worker starts the old way (a fresh
bubblewrap per worker) until a new zygote is up. Nothing here ever gives a worker less isolation than that.

Used by long-lived batch slots only (`grade batch`, `grade worker`); GRADE_ZYGOTE=off turns it off.
"""

from __future__ import annotations

import array
import contextlib
import itertools
import json
import os
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from grader.grading import sandbox
from grader.grading.sandbox import Isolation, Staged, WorkerProcess
from grader.model.course import Limits

VARIABLE = "GRADE_ZYGOTE"
STAGE = "/tmp/stage"
# What the zygote needs to build a child's sandbox: namespaces and mounts (of staged copies that other uids own), a
# fresh uid and gid, an empty bounding set for the child, and killing a child that runs as another uid. Nothing else.
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL", "CAP_DAC_READ_SEARCH")
READY_SECONDS = 60.0  # Python and numpy, once per slot
ANSWER_SECONDS = 10.0  # a spawn, or the end of a killed child: the zygote's own work, never student code's
RESTARTS = 3  # zygotes a slot starts at most; then workers start the old way

_current: Zygote | None = None
_started = 0
_retired: list[Path] = []  # staging directories of replaced zygotes: a submission staged there may still use it


def wanted(isolation: Isolation) -> bool:
    """True where a zygote can give every worker the sandbox it would get on its own: namespaces, as root."""
    return (
        isolation.mode == "namespace"
        and not isolation.own_user_namespace
        and os.environ.get(VARIABLE, "on").lower() not in ("off", "0", "no")
    )


def start(isolation: Isolation) -> None:
    """Start this slot's zygote for workers isolated as ISOLATION (a no-op where it is not wanted)."""
    global _current, _started
    if wanted(isolation) and _started < RESTARTS and (_current is None or not _current.alive):
        _started += 1
        if _current is not None:
            _current.close()
        try:
            _current = Zygote(isolation)
        except OSError:
            _current = None


def stop() -> None:
    """End this slot's zygote, and remove every staging directory it and its predecessors had."""
    global _current
    if _current is not None:
        _current.close()
        _current = None
    while _retired:
        sandbox.remove_tree(_retired.pop())


def current(isolation: Isolation) -> Zygote | None:
    """The live zygote for ISOLATION, restarting one that died (a few times at most)."""
    if _current is not None and _current.isolation == isolation and not _current.alive:
        start(isolation)
    if _current is not None and _current.isolation == isolation and _current.alive:
        return _current
    return None


def staging_dir(isolation: Isolation) -> Path | None:
    """Where a submission is staged for workers isolated as ISOLATION: the live zygote's staging directory, or None
    (the temporary directory) without one."""
    forks = current(isolation)
    return forks.stage_root if forks is not None else None


def start_worker(submission: Staged, limits: Limits, isolation: Isolation, probes: dict | None = None) -> WorkerProcess:
    """A worker on SUBMISSION with the course's PROBES: forked by the live zygote when there is one and SUBMISSION
    is staged where it sees it, else started as grader.grading.sandbox.start_worker starts one."""
    forks = current(isolation)
    if forks is not None and submission.uid is not None and submission.directory.parent.parent == forks.stage_root:
        forked = forks.spawn(submission, limits, sandbox.worker_config(submission, limits, isolation, probes))
        if forked is not None:
            return forked
    return sandbox.start_worker(submission, limits, isolation, probes)


class Zygote:
    """The zygote process (in its bubblewrap sandbox), its control socket, and its children."""

    def __init__(self, isolation: Isolation) -> None:
        self.isolation = isolation
        self.stage_root = Path(tempfile.mkdtemp(prefix="grade-zygote-"))  # 0700: root's only
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.socket = ours
        self.alive = True
        self.ready = threading.Event()
        self.children: dict[int, ForkedProcess] = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        config = {"control": theirs.fileno()}
        worker = [*sandbox.sandboxed_python("zygote"), json.dumps(config)]
        try:
            self.process = subprocess.Popen(
                [*_bwrap(self.stage_root, isolation), *worker],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                cwd="/",
                env=sandbox._worker_env(sandbox._INSIDE_WORKDIR),
                start_new_session=True,
            )
        except OSError:
            ours.close()
            sandbox.remove_tree(self.stage_root)
            raise
        finally:
            theirs.close()
        sandbox._LIVE.add(self.process.pid)  # not an orphan of a worker: _kill_orphans leaves it alone
        self._reader = threading.Thread(target=self._read, daemon=True, name="grade-zygote")
        self._reader.start()

    def _read(self) -> None:
        """Dispatch what the zygote says; when it ends, every child it had has ended too."""
        with contextlib.suppress(OSError, ValueError):
            while message := self.socket.recv(1 << 16):
                said = json.loads(message)
                if said.get("op") == "ready":
                    self.ready.set()
                    continue
                with self._lock:
                    child = self.children.get(said.get("id"))
                if child is None:
                    continue
                if said["op"] == "exited":
                    with self._lock:
                        self.children.pop(child.id, None)
                    child.ended(int(said["status"]))
                elif said["op"] in ("spawned", "refused"):
                    child.answered(said["op"] == "spawned")
        self._lost()

    def _lost(self) -> None:
        self.alive = False
        self.ready.set()
        with self._lock:
            orphans, self.children = list(self.children.values()), {}
        for child in orphans:
            child.answered(False)
            child.ended(-9, lost=True)

    def _send(self, message: dict, fds: list[int] = ()) -> bool:
        """Send MESSAGE (with FDS); False when the zygote cannot take it now, which costs it its life."""
        data = json.dumps(message).encode()
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        try:
            with self._send_lock:
                self.socket.sendmsg([data], ancillary, socket.MSG_DONTWAIT)
            return True
        except OSError:
            self.kill()
            return False

    def spawn(self, submission: Staged, limits: Limits, config: dict) -> ForkedWorker | None:
        """A fresh worker on SUBMISSION (staged in this zygote's staging directory), or None when the zygote
        cannot give one (the caller starts one the old way)."""
        if not self.ready.wait(READY_SECONDS) or not self.alive:
            self.kill()
            return None
        pipes = [os.pipe() for _ in range(3)]
        theirs = [pipes[0][0], pipes[1][1], pipes[2][1]]
        child = ForkedProcess(self, next(self._ids), pipes[0][1], pipes[1][0], pipes[2][0])
        with self._lock:
            self.children[child.id] = child
        request = {"op": "spawn", "id": child.id, "stage": submission.directory.parent.name, "uid": submission.uid}
        sent = self._send({**request, "config": config}, theirs)
        for fd in theirs:
            os.close(fd)
        if not sent or not child.spawned.wait(ANSWER_SECONDS) or not child.started:
            if not child.spawned.is_set():
                self.kill()  # it did not answer: it is not to be trusted with the next one either
            with self._lock:
                self.children.pop(child.id, None)
            child.close_streams()
            return None
        return ForkedWorker(child, int(limits.output_kb * 1024))

    def stop_child(self, child: ForkedProcess) -> None:
        """Ask the zygote to kill CHILD with everything it started; if it has not said so within ANSWER_SECONDS,
        kill the zygote with its sandbox, which ends them too (safe from any thread, and more than once)."""
        if child.returncode is not None or child.stopping is not None:
            return
        child.stopping = threading.Timer(ANSWER_SECONDS, self._overdue, (child,))
        child.stopping.daemon = True
        child.stopping.start()
        if not self._send({"op": "kill", "id": child.id}):
            child.ended(-9, lost=True)

    def _overdue(self, child: ForkedProcess) -> None:
        if child.returncode is None:
            self.kill()

    def kill(self) -> None:
        """End the zygote with its whole sandbox: every child dies with its PID namespace."""
        self.alive = False
        sandbox.kill_tree(self.process)

    def close(self) -> None:
        self.kill()
        self.process.wait()
        sandbox._LIVE.discard(self.process.pid)
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self._reader.join(timeout=5)
        self.socket.close()
        _retired.append(self.stage_root)


class ForkedProcess:
    """A child of the zygote as a worker's process is seen: its pipes, its end, its status."""

    def __init__(self, zygote: Zygote, key: int, stdin: int, stdout: int, stderr: int) -> None:
        self.zygote, self.id, self.pid = zygote, key, -key
        self.stdin = os.fdopen(stdin, "wb")  # as Popen's pipes: closed by the worker's close
        self.stdout = os.fdopen(stdout, "rb")
        self.stderr = os.fdopen(stderr, "rb")
        self.spawned, self.started = threading.Event(), False
        self.returncode: int | None = None
        self.lost = False  # the zygote ended under it: the grader's failure, not the student's
        self.stopping: threading.Timer | None = None  # since it was asked to kill this child
        self._ended = threading.Event()

    def answered(self, started: bool) -> None:
        if not self.spawned.is_set():
            self.started = started
            self.spawned.set()

    def ended(self, status: int, lost: bool = False) -> None:
        if not self._ended.is_set():
            self.returncode, self.lost = status, lost
            self._ended.set()
        if self.stopping is not None:
            self.stopping.cancel()

    def wait(self, timeout: float | None = None) -> int:
        """The status once the child and everything it started have ended; a zygote that does not say so within
        ANSWER_SECONDS after the timeout is killed with its sandbox (and with it the child)."""
        if not self._ended.wait(ANSWER_SECONDS if timeout is None else timeout):
            if timeout is not None:
                raise subprocess.TimeoutExpired("worker", timeout)
            self.zygote.kill()
            self._ended.wait(ANSWER_SECONDS)
            self.ended(-9, lost=True)
        return self.returncode

    def poll(self) -> int | None:
        return self.returncode

    def close_streams(self) -> None:
        for stream in (self.stdin, self.stdout, self.stderr):
            with contextlib.suppress(OSError):
                stream.close()


class ForkedWorker(WorkerProcess):
    """A worker forked by the zygote: stopped by asking the zygote, which kills its PID namespace."""

    def __init__(self, process: ForkedProcess, output_limit: int) -> None:
        super().__init__(process, None, output_limit, namespaced=True)

    @property
    def lost(self) -> bool:
        return self.process.lost

    def stop(self) -> None:
        self.process.zygote.stop_child(self.process)

    def close(self) -> None:
        self.stop()
        self.process.wait()
        self.close_streams()


def _bwrap(stage_root: Path, isolation: Isolation) -> list[str]:
    """The zygote's sandbox: a worker's view of the file system, with the staging directory (read-only) where a
    worker's submission would be and mount points for each child's own; root, with CAPABILITIES only."""
    command = sandbox._hiding(isolation)
    command += ["--ro-bind", str(stage_root), STAGE]
    command += ["--dir", sandbox._INSIDE_SUBMISSION, "--dir", sandbox._INSIDE_WORKDIR]
    command += sandbox._closing(isolation, "/")
    command += ["--cap-drop", "ALL"] + [arg for cap in CAPABILITIES for arg in ("--cap-add", cap)]
    return [*command, "--"]
