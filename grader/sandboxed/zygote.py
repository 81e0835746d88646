"""A zygote: the worker's start-up (Python, numpy, the worker's modules) paid once per batch slot, then a fresh,
fully isolated worker forked for every submission (namespace isolation as root only).

grader.grading.zygote starts it as `main([GRADER_PARENT, CONFIG_JSON])` inside a bubblewrap sandbox of its own,
built as a worker's is (read-only root; the course, the solutions, the hidden suites, /root, /home, /tmp and the
grader's catalogs out of sight; own PID, network, IPC and UTS namespaces; the scrubbed environment), but run as
root with the few capabilities it needs to build each child's sandbox. It never holds a secret: it imports
numpy and grader.sandboxed only, and all it ever receives is where a staged submission is, its uid, the limits
and three pipe ends. Nothing a child does reaches it but the child's exit status.

Its control channel is a SOCK_SEQPACKET socket (CONFIG's "control" fd), one JSON message per packet:

    {"op": "spawn", "id": N, "stage": NAME, "uid": UID, "config": WORKER_CONFIG}  with the worker's stdin, stdout
        and stderr attached (SCM_RIGHTS); answered {"op": "spawned", "id": N} or {"op": "refused", ...}
    {"op": "kill", "id": N}   kills the child and everything it started
    from the zygote, unasked: {"op": "exited", "id": N, "status": S} (S as subprocess's returncode: -signal or
        the exit status, which is 128 + n when the worker died of signal n, as bubblewrap reports it)

Each child, before any student code (see _child, _init, _worker):

1. its own process group, killed by the kernel if the zygote dies; every signal handler of the zygote reset;
2. new mount, PID, network, IPC, UTS (and cgroup, where the kernel has them) namespaces; its mounts private;
3. a fresh tmpfs of `limits.disk_mb` at /tmp/work, the staged submission bound read-only at /tmp/submission,
   the staging directory unmounted (no other submission is in sight), a fresh devpts at /dev/pts;
4. a fork: pid 1 of the new PID namespace, which mounts a fresh /proc (read-only where bubblewrap makes it so),
   then forks the worker (pid 2) and reaps until it ends: when pid 1 ends, the kernel kills the whole namespace;
5. the worker, in pid 1's new session: its stdin, stdout and stderr the three pipes and no other fd, /tmp/work its cwd,
   the capability bounding set emptied, no supplementary groups, the submission's fresh uid and gid, no
   capabilities left (permitted, effective, inheritable, ambient), no_new_privs; then what every worker does:
   its rlimits, the seccomp filter, hello, and the requests of the grader.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import json
import os
import random
import select
import signal
import socket
import sys
import traceback

import numpy as np
import numpy.random  # numpy imports it on first use, and every worker reseeds it in every call
import numpy.typing  # the course's modules import it

from grader.sandboxed import worker

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
STAGE, SUBMISSION, WORKDIR = "/tmp/stage", "/tmp/submission", "/tmp/work"
READ_ONLY_PROC = ("sys", "sysrq-trigger", "irq", "bus")  # as bubblewrap's --proc leaves them
MAX_MESSAGE, FAILED = 1 << 16, 127

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda text: None if text is None else text.encode()  # noqa: E731
    result = _libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data))
    _check(result, f"mount {target}")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def main(argv: list[str]) -> None:
    config = json.loads(argv[1])
    sys.dont_write_bytecode = True
    control = socket.socket(fileno=int(config["control"]))
    with contextlib.suppress(ImportError):  # what the seccomp filter needs, imported once here, not in every worker
        import pyseccomp  # noqa: F401
    os.chdir("/")
    wakeup_in, wakeup_out = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wakeup_out)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, int] = {}  # pid of each live child (its process group) -> the grader's id for it
    gc.collect()
    gc.freeze()  # what the zygote imported is never collected: a child does not copy those pages to scan them
    gc.enable()  # off since its boot (grader.grading.sandbox.sandboxed_python)
    control.sendall(json.dumps({"op": "ready"}).encode())
    while True:
        readable = select.select([control, wakeup_in], [], [])[0]
        if wakeup_in in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wakeup_in, 4096)
            _reap(control, children)
        if control in readable:
            message, ancillary, _flags, _address = control.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(3 * 4))
            if not message:  # the grader is gone: so is everything started here
                for pid in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                os._exit(0)
            _handle(control, json.loads(message), _fds(ancillary), children)


def _fds(ancillary: list) -> list[int]:
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - len(data) % 4
            fds += list(memoryview(data[:usable]).cast("i"))
    return fds


def _handle(control: socket.socket, request: dict, fds: list[int], children: dict[int, int]) -> None:
    try:
        if request["op"] == "kill":
            for pid, key in children.items():
                if key == request["id"]:
                    _kill(pid)
            return
        if request["op"] != "spawn" or len(fds) != 3:
            raise ValueError(f"not a request: {request.get('op')!r} with {len(fds)} fds")
        stage, uid = str(request["stage"]), int(request["uid"])
        if not stage or "/" in stage or stage.startswith(".") or uid <= 0:
            raise ValueError(f"refused: stage {stage!r}, uid {uid}")
        zygote, pid = os.getpid(), os.fork()
        if pid == 0:
            _child(zygote, control, fds, stage, uid, request)
        with contextlib.suppress(OSError):  # the child does it too: whichever is first, a kill finds its group
            os.setpgid(pid, pid)
        children[pid] = request["id"]
        control.sendall(json.dumps({"op": "spawned", "id": request["id"]}).encode())
    except Exception as exc:  # the grader starts that worker the old way
        answer = {"op": "refused", "id": request.get("id"), "reason": f"{type(exc).__name__}: {exc}"}
        control.sendall(json.dumps(answer).encode())
    finally:
        for fd in fds:
            os.close(fd)


def _kill(pid: int) -> None:
    """Kill the child PID's PID namespace by killing its pid 1: the child, which waits for it, ends only once every
    process in it has ended, and so says the zygote's "exited". Before there is a pid 1 (as far as /proc says),
    the child's process group: a pid 1 forked meanwhile is in it until its setsid, which follows its parent-death
    signal, so it dies either way."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            inits = [int(child) for child in children.read().split()]
    except (OSError, ValueError):
        inits = []
    for target in inits:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)
    if not inits:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _reap(control: socket.socket, children: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        key = children.pop(pid, None)
        if key is not None:
            code = os.waitstatus_to_exitcode(status)
            control.sendall(json.dumps({"op": "exited", "id": key, "status": code}).encode())


def _status(status: int) -> int:
    """An exit status that says how a process ended, as bubblewrap says it: n, or 128 + the signal."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _child(zygote: int, control: socket.socket, fds: list[int], stage: str, uid: int, request: dict) -> None:
    """The forked child (never returns): its namespaces and mounts, then pid 1 of its PID namespace."""
    try:
        os.setpgid(0, 0)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != zygote:  # it ended before the line above: so must this child
            os._exit(FAILED)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(control.detach())
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
        with contextlib.suppress(OSError):  # a kernel without cgroup namespaces: bubblewrap's --unshare-cgroup-try
            _check(_libc.unshare(CLONE_NEWCGROUP), "unshare cgroup")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        size = int(request["config"]["limits"]["disk_mb"]) * 2**20
        _mount("tmpfs", WORKDIR, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=01777,size={size}")
        _mount(f"{STAGE}/{stage}/submission", SUBMISSION, None, MS_BIND | MS_REC)
        _mount(None, SUBMISSION, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        _check(_libc.umount2(STAGE.encode(), MNT_DETACH), "umount stage")
        _mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620")
        pid = os.fork()
        if pid == 0:
            _init(fds, uid, request)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        os._exit(_status(status))
    except BaseException:
        traceback.print_exc()
    os._exit(FAILED)


def _init(fds: list[int], uid: int, request: dict) -> None:
    """Pid 1 of the child's PID namespace (never returns): a fresh /proc, then the worker, reaped with every orphan
    until it ends, whose status is this process's."""
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.setsid()  # as bubblewrap's --new-session: the worker is in a session of its own, not its leader
        _check(_libc.umount2(b"/proc", MNT_DETACH), "umount /proc")
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        for name in READ_ONLY_PROC:
            path = f"/proc/{name}"
            if os.path.exists(path):
                _mount(path, path, None, MS_BIND | MS_REC)
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        pid = os.fork()
        if pid == 0:
            _worker(fds, uid, request)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        _capset_none()  # all it does from now on is wait: root in name only, and the worker is not root at all
        while True:
            ended, status = os.wait()
            if ended == pid:
                os._exit(_status(status))
    except BaseException:
        traceback.print_exc()
    os._exit(FAILED)


def _worker(fds: list[int], uid: int, request: dict) -> None:
    """The worker (never returns): its stdio the grader's pipes and no other fd, a fresh uid without privileges,
    then grader.sandboxed.worker as a freshly started one runs."""
    code = FAILED
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.chdir(WORKDIR)
        _drop_to(uid)
        np.random.seed()  # a fresh interpreter's state, not the zygote's
        random.seed()
        config = request["config"]
        code = _run(lambda: worker.main(["", SUBMISSION, json.dumps(config)]))
    except BaseException:
        traceback.print_exc()
    os._exit(code)


def _drop_to(uid: int) -> None:
    """What setpriv --reuid --regid --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs does, then
    a check that it holds."""
    with open("/proc/sys/kernel/cap_last_cap") as cap_last_cap:
        last = int(cap_last_cap.read())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _capset_none()
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 1)  # as after the exec of a fresh worker: its /proc/self is its own
    with open("/proc/self/status") as proc_status:
        status = dict(line.split(":", 1) for line in proc_status.read().splitlines() if ":" in line)
    held = [name for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb") if int(status[name], 16)]
    ids = {*os.getresuid(), *os.getresgid()}
    if held or os.getgroups() or ids != {uid} or status["NoNewPrivs"].strip() != "1":
        raise OSError(f"privileges left: {held} {os.getgroups()} {os.getresuid()} {os.getresgid()}")


def _capset_none() -> None:
    """No effective, permitted or inheritable capability left."""
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3, all zero
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def _run(function) -> int:
    """Run FUNCTION as an interpreter runs a program: the exit status of SystemExit, 1 and a traceback for an
    exception, exit handlers and flushed output at the end."""
    code = 0
    try:
        function()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    return code
