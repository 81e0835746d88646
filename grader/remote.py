"""The trusted side's view of a submission: proxies that call student code in the worker process.

A call sends plain data to the worker, waits with a deadline, and returns decoded plain data, or raises
StudentCodeError naming what went wrong (an exception, a timeout, a crash, a missing function). While
waiting it serves the worker's requests to run a reference dependency here, in the trusted process.
"""

from __future__ import annotations

import difflib
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader import wire
from grader.course import Limits
from grader.sandbox import PROCESS, Isolation, WorkerProcess, start_worker


class StudentCodeError(Exception):
    """Student code could not give an answer; `status` is "error" or "timeout", `kind` says why."""

    def __init__(self, kind: str, message: str, status: str = "error") -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


@dataclass
class CallTrace:
    """A call's result together with its arguments as they were after the call (to catch mutation)."""

    value: Any
    args: list


class Session:
    """One grading run of one submission: starts the worker on demand and restarts it after a kill."""

    def __init__(
        self,
        submission: Path,
        limits: Limits,
        seed: int,
        worker: WorkerProcess | None = None,
        reference: Callable[[str], Callable | None] | None = None,
        isolation: Isolation = PROCESS,
    ) -> None:
        self.submission, self.limits, self.seed, self.isolation = submission, limits, seed, isolation
        self.reference = reference
        self.worker = worker
        self.output = bytearray()
        self.output_dropped = 0
        self.budget = limits.submission_seconds
        self.deadline = 0.0
        self.aliases: list[list[np.ndarray]] = []

    def start(self) -> None:
        """Start the worker now, so that its start-up overlaps the grader's own."""
        if self.worker is None:
            self.worker = start_worker(self.submission, self.limits, self.isolation)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def take_output(self) -> str:
        """What student code printed since the last call, cut to the output limit."""
        self._drain_output()
        text = self.output.decode(errors="replace")
        if self.output_dropped:
            text += f"\n… {self.output_dropped} more bytes of output were cut"
        self.output.clear()
        self.output_dropped = 0
        return text

    def module(self, name: str, deps: dict[str, list[str]], label: str) -> StudentModule:
        return StudentModule(self, name, deps, label)

    def request(self, message: dict, label: str) -> dict:
        """Send a request and return the worker's "ok" reply.

        At top level the call gets a fresh deadline (the per-call limit, within what is left of the
        submission's budget); a request made while a reference dependency runs shares its caller's.
        """
        if self.aliases:
            return self.exchange(message, label)
        if self.budget <= 0:
            raise StudentCodeError(
                "budget",
                f"{label} was not run: the submission used up its {self.limits.submission_seconds:g} s of grading time",
                "timeout",
            )
        self.start()
        started = time.monotonic()
        self.deadline = started + min(self.limits.call_seconds, self.budget)
        try:
            return self.exchange({**message, "seed": self.seed}, label)
        finally:
            self.budget -= time.monotonic() - started

    def exchange(self, message: dict, label: str) -> dict:
        """Send a message and serve the worker until its answer comes."""
        worker = self.worker
        if worker is None:
            raise StudentCodeError("crash", f"{label}: the worker process is gone")
        try:
            wire.send_frame(worker.to_worker, message)
        except OSError:
            raise self.died(label) from None
        while True:
            reply = self.receive(label)
            op = reply.get("op")
            if op == "ok":
                return reply
            if op == "err":
                raise self.student_error(reply, label)
            if op == "reference":
                self.serve_reference(reply, label)
                continue
            self.close()
            raise StudentCodeError("protocol", f"{label}: the worker sent an unknown message")

    def receive(self, label: str) -> dict:
        worker = self.worker
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                seconds = min(self.limits.call_seconds, self.limits.submission_seconds)
                raise StudentCodeError(
                    "timeout", f"{label} did not finish within {seconds:g} s and was stopped", "timeout"
                )
            ready, _, _ = select.select([worker.from_worker, worker.output], [], [], remaining)
            if worker.output in ready:
                self._drain_output()
            if worker.from_worker in ready:
                try:
                    return wire.recv_frame(worker.from_worker)
                except wire.WireError:
                    raise self.died(label) from None

    def died(self, label: str) -> StudentCodeError:
        """Describe how the worker ended, then forget it so the next call starts a fresh one."""
        try:
            signum, code = self.worker.wait(timeout=2)
        except subprocess.TimeoutExpired:
            signum, code = None, None
        self._drain_output()
        self.close()
        if signum is not None:
            name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
            if signum == signal.SIGXCPU:
                return StudentCodeError(
                    "cpu",
                    f"{label}: used more than {self.limits.cpu_seconds:g} s of CPU time and was stopped",
                    "timeout",
                )
            return StudentCodeError("crash", f"{label}: the process running your code crashed ({name})")
        return StudentCodeError(
            "exit",
            f"{label}: your code ended the process (exit status {code}); do not call os._exit or exit in graded code",
        )

    def student_error(self, reply: dict, label: str) -> StudentCodeError:
        kind = str(reply.get("kind"))
        text = _clip(str(reply.get("message", "")))
        where = f" ({_clip(str(reply['where']), 80)})" if reply.get("where") else ""
        exc_type = _clip(str(reply.get("type", "Exception")), 60)
        if kind == "missing":
            name = str(reply.get("name"))
            names = [str(n) for n in reply.get("names", [])][:1000]
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            module = _clip(str(reply.get("module")), 60)
            return StudentCodeError(kind, f"{module}.py has no {name}{hint}")
        if kind == "no_module":
            return StudentCodeError(kind, f"{label}: {text}")
        if kind == "import":
            return StudentCodeError(kind, f"{label}: your module could not be imported: {exc_type}: {text}{where}")
        if kind == "not_implemented":
            return StudentCodeError(kind, f"{label} is not written yet (it raises NotImplementedError)")
        if kind == "exit":
            return StudentCodeError(kind, f"{label} called sys.exit({text}); return a value instead")
        if exc_type == "MemoryError":
            return StudentCodeError("memory", f"{label} ran out of memory (limit {self.limits.memory_mb:g} MiB)")
        if kind == "reference":
            return StudentCodeError(kind, f"{label}: the reference helper it calls failed: {text}")
        return StudentCodeError("raised", f"{label} raised {exc_type}: {text}{where}")

    def serve_reference(self, request: dict, label: str) -> None:
        """Run a reference dependency here on the worker's arguments; callables stay in the worker."""
        try:
            function = self.reference(str(request.get("name"))) if self.reference else None
            if function is None:
                raise LookupError(f"no reference for {request.get('name')!r}")
            args = self.decode(request.get("args", []))
            kwargs = self.decode(request.get("kwargs", {}))
            self.aliases.append([a for a in args if type(a) is np.ndarray])
            try:
                value = function(*args, **kwargs)
            finally:
                self.aliases.pop()
            reply = {"op": "ok", "value": wire.encode(value, _refuse_handle)}
        except StudentCodeError:
            raise
        except Exception as exc:
            reply = {"op": "err", "message": f"{type(exc).__name__}: {exc}"}
        try:
            wire.send_frame(self.worker.to_worker, reply)
        except OSError:
            raise self.died(label) from None

    def call(self, target: dict, args: tuple, kwargs: dict, label: str, trace: bool = False) -> Any:
        """Call something in the worker; with `trace`, return a CallTrace with the arguments afterwards."""
        message = {
            "op": "call",
            "target": target,
            "args": self.encode_args(args),
            "kwargs": self.encode(kwargs),
            "trace": trace,
        }
        reply = self.request(message, label)
        value = self.decode(reply.get("value"))
        return CallTrace(value, self.decode(reply.get("args", []))) if trace else value

    def encode(self, value: Any) -> Any:
        return wire.encode(value, _refuse_handle)

    def encode_args(self, args: tuple) -> list:
        lent = self.aliases[-1] if self.aliases else []
        marked = [next((wire.Alias(i, a) for i, lent_array in enumerate(lent) if a is lent_array), a) for a in args]
        return self.encode(marked)

    def decode(self, data: Any) -> Any:
        try:
            return wire.decode(data, self.resolve)
        except wire.WireError as exc:
            raise StudentCodeError("forbidden", f"the worker sent data the grader refuses: {exc}") from None

    def resolve(self, data: dict) -> Any:
        if data.get("$t") != "ref" or not isinstance(data.get("id"), int):
            raise wire.WireError("the worker may only send handles to its own objects")
        return RemoteObject(self, wire.Handle(data["id"], _clip(str(data.get("kind")), 60)))

    def _drain_output(self) -> None:
        if self.worker is None:
            return
        limit = int(self.limits.output_kb * 1024)
        while True:
            try:
                chunk = os.read(self.worker.output, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                return
            room = max(limit - len(self.output), 0)
            self.output += chunk[:room]
            self.output_dropped += max(len(chunk) - room, 0)


class StudentModule:
    """The student's module for one exercise: attribute access gives callable proxies."""

    def __init__(self, session: Session, name: str, deps: dict[str, list[str]], label: str) -> None:
        self._session, self._name, self._deps, self._label = session, name, deps, label

    def __getattr__(self, attr: str) -> RemoteFunction:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return RemoteFunction(self._session, {"module": self._name, "deps": self._deps, "attr": attr}, attr)

    def run(self, scenario: Callable, **kwargs: Any) -> Any:
        """Run a scenario of grader.probes with this module in the worker."""
        message = {
            "op": "scenario",
            "name": scenario.__name__,
            "module": self._name,
            "deps": self._deps,
            "kwargs": self._session.encode(kwargs),
        }
        return self._session.decode(self._session.request(message, scenario.__name__).get("value"))


class RemoteFunction:
    """A function of the submission; calling it runs it in the worker."""

    def __init__(self, session: Session, target: dict, label: str) -> None:
        self._session, self._target, self.label = session, target, label

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self._target, args, kwargs, self.label)

    def trace(self, *args: Any, **kwargs: Any) -> CallTrace:
        """Call, and also get the arguments back as the call left them."""
        return self._session.call(self._target, args, kwargs, self.label, trace=True)


class RemoteObject:
    """An object that lives in the worker (a network, a returned function); attributes are fetched on use."""

    def __init__(self, session: Session, handle: wire.Handle) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_handle", handle)

    @property
    def kind(self) -> str:
        return self._handle.kind

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        label = f"{self._handle.kind}.{attr}"
        reply = self._session.request({"op": "get", "target": {"ref": self._handle.id, "attr": attr}}, label)
        value = self._session.decode(reply.get("value"))
        if isinstance(value, RemoteObject):  # a bound method: name it as the student wrote it
            object.__setattr__(value, "_handle", wire.Handle(value._handle.id, label))
        return value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call({"ref": self._handle.id}, args, kwargs, self._handle.kind)

    def __repr__(self) -> str:
        return f"<student {self._handle.kind}>"


def _refuse_handle(value: Any) -> wire.Handle:
    if isinstance(value, RemoteObject):
        return value._handle
    raise TypeError(f"cannot send a {type(value).__name__} to student code")


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + " …"
