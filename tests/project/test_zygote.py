"""A batch slot's zygote (grader.grading.zygote): where it is used, and that a zygote that dies or stops answering
never costs a student anything nor gives a worker less isolation: the next worker starts the old way."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from grader.grading import runner, sandbox, zygote
from grader.grading.sandbox import Isolation
from grader.model.course import load_course
from grader.sandboxed import wire

from conftest import ROOT

needs_root_namespaces = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or sandbox.namespace_problem() is not None,
    reason="a zygote needs namespace isolation as root",
)
COURSE = load_course(ROOT)


def test_only_namespace_isolation_as_root_gets_a_zygote(monkeypatch):
    monkeypatch.delenv(zygote.VARIABLE, raising=False)
    assert zygote.wanted(Isolation("namespace"))
    assert not zygote.wanted(Isolation("namespace", own_user_namespace=True))  # without root: bubblewrap as before
    assert not zygote.wanted(Isolation("uid")) and not zygote.wanted(Isolation("process"))
    monkeypatch.setenv(zygote.VARIABLE, "off")
    assert not zygote.wanted(Isolation("namespace"))


@pytest.fixture
def isolation():
    chosen = runner.isolation_for(COURSE, "namespace")
    zygote.start(chosen)
    yield chosen
    zygote.stop()
    zygote._started = 0


def hello(worker: sandbox.WorkerProcess) -> dict:
    return wire.recv_frame(worker.from_worker)


@needs_root_namespaces
def test_a_zygote_that_dies_is_replaced_and_its_children_are_the_graders_failure(isolation):
    first = zygote.current(isolation)
    with sandbox.staged(COURSE.solutions_dir, isolation, zygote.staging_dir(isolation)) as staged:
        worker = zygote.start_worker(staged, COURSE.limits, isolation)
        assert isinstance(worker, zygote.ForkedWorker) and hello(worker)["op"] == "hello"
        first.kill()  # as if it had crashed: its sandbox and every child in it end
        assert worker.process.wait() < 0 and worker.lost  # Session.died makes this a WorkerStartError, not a crash
        worker.close()
        second = zygote.current(isolation)
        assert second is not None and second is not first
        # the copy staged for the dead zygote is out of the new one's sight: this worker starts the old way
        fallback = zygote.start_worker(staged, COURSE.limits, isolation)
        assert type(fallback) is sandbox.WorkerProcess and hello(fallback)["op"] == "hello"
        fallback.close()


def tree(pid: int) -> list[int]:
    """PID and its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    found = [pid]
    for parent in found:
        found += [child for child, its in parents.items() if its == parent]
    return found


@needs_root_namespaces
def test_a_zygote_that_stops_answering_is_killed_and_the_worker_starts_the_old_way(isolation, monkeypatch):
    monkeypatch.setattr(zygote, "ANSWER_SECONDS", 1.0)
    monkeypatch.setattr(zygote, "RESTARTS", 1)
    stuck = zygote.current(isolation)
    stuck.ready.wait(zygote.READY_SECONDS)
    with sandbox.staged(COURSE.solutions_dir, isolation, zygote.staging_dir(isolation)) as staged:
        for pid in tree(stuck.process.pid):  # bubblewrap and the zygote: nothing answers
            os.kill(pid, signal.SIGSTOP)
        worker = zygote.start_worker(staged, COURSE.limits, isolation)
        assert type(worker) is sandbox.WorkerProcess and hello(worker)["op"] == "hello"
        worker.close()
        assert not stuck.alive and stuck.process.wait(timeout=10) is not None
        assert zygote.current(isolation) is None  # no more zygotes than RESTARTS: the old way from now on


@needs_root_namespaces
def test_a_killed_child_ends_with_everything_it_started(isolation, tmp_path: Path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "losses.py").write_text(
        "import os, time\n"
        "def spawn():\n"
        "    for _ in range(3):\n"
        "        if os.fork() == 0:\n"
        "            os.setsid()\n"
        "            time.sleep(600)\n"
        "    return [os.getpid()]\n"
    )
    with sandbox.staged(submission, isolation, zygote.staging_dir(isolation)) as staged:
        worker = zygote.start_worker(staged, COURSE.limits, isolation)
        assert isinstance(worker, zygote.ForkedWorker) and hello(worker)["op"] == "hello"
        call = {"op": "call", "target": {"module": "losses", "attr": "spawn"}, "kwargs": wire.encode({}, None)}
        wire.send_frame(worker.to_worker, call)
        while (reply := wire.recv_frame(worker.from_worker))["op"] not in ("ok", "err"):
            pass
        assert reply["op"] == "ok", reply
        worker.stop()
        assert worker.status(timeout=10) == (signal.SIGKILL, None) and not worker.lost
        # the zygote said so once the whole PID namespace had ended: every fork that held a pipe end is gone
        assert worker.process.stdout.read() == b"" and worker.process.stderr.read() == b""
        worker.close()


SIBLING = """
import ctypes, os, socket

libc = ctypes.CDLL(None, use_errno=True)
KEPT = []


def leave():
    open("/tmp/work/left", "w").write("answers")
    KEPT.append(libc.shmget(0x5EED, 4096, 0o1000 | 0o666))
    server = socket.socket(socket.AF_UNIX)
    server.bind("\\0grade-sibling")
    server.listen()
    KEPT.extend([server, os.openpty()])
    return os.getpid()


def _connects():
    try:
        socket.socket(socket.AF_UNIX).connect("\\0grade-sibling")
        return True
    except OSError:
        return False


def find():
    return {
        "file": os.path.exists("/tmp/work/left"),
        "shm": libc.shmget(0x5EED, 0, 0) >= 0,
        "socket": _connects(),
        "pts": sorted(os.listdir("/dev/pts")),
        "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "uid": os.getuid(),
    }
"""


def call(worker: sandbox.WorkerProcess, function: str):
    request = {"op": "call", "target": {"module": "losses", "attr": function}, "kwargs": wire.encode({}, None)}
    wire.send_frame(worker.to_worker, request)
    while (reply := wire.recv_frame(worker.from_worker))["op"] not in ("ok", "err"):
        pass
    assert reply["op"] == "ok", reply
    return wire.decode(reply["value"], None)


@needs_root_namespaces
def test_two_live_children_of_one_zygote_cannot_reach_each_other(isolation, tmp_path: Path):
    """A slot grades one submission at a time, but siblings alive together must not meet either: ann's worker
    keeps a file, a shared memory segment, an abstract socket and a terminal; bob's, forked while it lives, finds
    none of them and no process but his own."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "losses.py").write_text(SIBLING)
    with (
        sandbox.staged(submission, isolation, zygote.staging_dir(isolation)) as ann_staged,
        sandbox.staged(submission, isolation, zygote.staging_dir(isolation)) as bob_staged,
    ):
        ann = zygote.start_worker(ann_staged, COURSE.limits, isolation)
        assert isinstance(ann, zygote.ForkedWorker) and hello(ann)["op"] == "hello"
        assert call(ann, "leave") == 2
        bob = zygote.start_worker(bob_staged, COURSE.limits, isolation)
        assert isinstance(bob, zygote.ForkedWorker) and hello(bob)["op"] == "hello"
        found = call(bob, "find")
        ann.close()
        bob.close()
    expected = {"file": False, "shm": False, "socket": False, "pts": ["ptmx"], "pids": [1, 2], "uid": bob_staged.uid}
    assert found == expected


@needs_root_namespaces
def test_a_worker_whose_zygote_died_is_the_graders_error_not_the_students(isolation):
    import numpy as np

    from grader.grading.remote import Session, StudentCodeError, WorkerStartError

    session = Session(COURSE.solutions_dir.resolve(), COURSE.limits, 7, isolation)
    try:
        session.begin_test("losses", "test_zygote")
        losses = session.module("losses", {}, "losses")
        assert isinstance(session.worker, zygote.ForkedWorker)
        assert losses.sum_squared_error(np.zeros(2), np.ones(2)) == 1.0
        zygote.current(isolation).kill()
        assert session.worker.process.wait() < 0 and session.worker.lost
        with pytest.raises(StudentCodeError):
            losses.sum_squared_error(np.zeros(2), np.ones(2))
        assert isinstance(session.fatal, WorkerStartError)  # the slot answers an error, graded again next run
    finally:
        session.finish()
