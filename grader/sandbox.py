"""Starting the worker process: its own session and process group, resource limits, a scrubbed
environment and an empty temporary working directory."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import Limits

_KEPT_ENV = ("LANG", "LC_ALL", "TZ")
_SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass
class WorkerProcess:
    """A running worker: the process, its private pipes and the pipe that carries what it prints."""

    process: subprocess.Popen
    to_worker: int
    from_worker: int
    output: int
    workdir: tempfile.TemporaryDirectory

    def kill(self) -> None:
        """Kill the worker's whole process group and release its pipes and directory."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for fd in (self.to_worker, self.from_worker, self.output):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.workdir.cleanup()


def start_worker(submission: Path, limits: Limits) -> WorkerProcess:
    """Start `python -I -m grader.worker` on SUBMISSION under LIMITS."""
    workdir = tempfile.TemporaryDirectory(prefix="grade-worker-")
    request_read, request_write = os.pipe()
    reply_read, reply_write = os.pipe()
    output_read, output_write = os.pipe()
    command = [sys.executable, "-I", "-u", "-m", "grader.worker", str(request_read), str(reply_write), str(submission)]
    try:
        process = subprocess.Popen(
            command,
            pass_fds=(request_read, reply_write),
            stdin=subprocess.DEVNULL,
            stdout=output_write,
            stderr=output_write,
            cwd=workdir.name,
            env=_worker_env(workdir.name),
            start_new_session=True,
            preexec_fn=lambda: _apply_limits(limits),
        )
    finally:
        for fd in (request_read, reply_write, output_write):
            os.close(fd)
    os.set_blocking(output_read, False)
    return WorkerProcess(process, request_write, reply_read, output_read, workdir)


def _worker_env(home: str) -> dict[str, str]:
    """Nothing of the grader's environment (CI secrets, tokens) reaches student code."""
    env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
    env.update({name: "1" for name in _SINGLE_THREAD})
    env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=home, TMPDIR=home, PYTHONHASHSEED="0")
    return env


def _apply_limits(limits: Limits) -> None:
    """Runs in the child before exec: limits the kernel enforces even on code that ignores signals."""
    memory = int(limits.memory_mb) * 1024 * 1024
    cpu = int(limits.cpu_seconds)
    for kind, value in (
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        resource.setrlimit(kind, value)
