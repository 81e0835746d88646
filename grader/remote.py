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
from grader.i18n import _, ngettext
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
        self.exercise = ""  # the exercise whose test runs now (set by the grading plugin)
        self.spent: dict[str, float] = {}  # grading time each exercise's code has used
        self.allotted = 0.0
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
            text += "\n" + ngettext(
                "… {n} more byte of output was cut", "… {n} more bytes of output were cut", self.output_dropped
            ).format(n=self.output_dropped)
        self.output.clear()
        self.output_dropped = 0
        return text

    def module(self, name: str, deps: dict[str, list[str]], label: str) -> StudentModule:
        return StudentModule(self, name, deps, label)

    def request(self, message: dict, label: str) -> dict:
        """Send a request and return the worker's "ok" reply.

        At top level the call gets a fresh deadline (the per-call limit, within what is left of the
        exercise's and the submission's time); a request made while a reference dependency runs shares its caller's.
        """
        if self.aliases:
            return self.exchange(message, label)
        self.allotted = min(self.limits.call_seconds, self._time_left(label))
        self.start()
        started = time.monotonic()
        self.deadline = started + self.allotted
        try:
            return self.exchange({**message, "seed": self.seed}, label)
        finally:
            elapsed = time.monotonic() - started
            self.budget -= elapsed
            self.spent[self.exercise] = self.spent.get(self.exercise, 0.0) + elapsed

    def _time_left(self, label: str) -> float:
        """What is left of the exercise's and the submission's grading time; none left is a timeout."""
        left = self.limits.exercise_seconds - self.spent.get(self.exercise, 0.0)
        if left <= 0:
            raise StudentCodeError(
                "budget",
                _("{label} was not run: exercise {exercise} used up its {seconds} s of grading time").format(
                    label=label, exercise=self.exercise, seconds=f"{self.limits.exercise_seconds:g}"
                ),
                "timeout",
            )
        if self.budget <= 0:
            raise StudentCodeError(
                "budget",
                _("{label} was not run: the submission used up its {seconds} s of grading time").format(
                    label=label, seconds=f"{self.limits.submission_seconds:g}"
                ),
                "timeout",
            )
        return min(left, self.budget)

    def exchange(self, message: dict, label: str) -> dict:
        """Send a message and serve the worker until its answer comes."""
        worker = self.worker
        if worker is None:
            raise StudentCodeError("crash", _("{label}: the worker process is gone").format(label=label))
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
            raise StudentCodeError("protocol", _("{label}: the worker sent an unknown message").format(label=label))

    def receive(self, label: str) -> dict:
        worker = self.worker
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                seconds = round(self.allotted, 1)
                raise StudentCodeError(
                    "timeout",
                    _("{label} did not finish within {seconds} s and was stopped").format(
                        label=label, seconds=f"{seconds:g}"
                    ),
                    "timeout",
                )
            ready = select.select([worker.from_worker, worker.output], [], [], remaining)[0]
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
                    _("{label}: used more than {seconds} s of CPU time and was stopped").format(
                        label=label, seconds=f"{self.limits.cpu_seconds:g}"
                    ),
                    "timeout",
                )
            return StudentCodeError(
                "crash", _("{label}: the process running your code crashed ({signal})").format(label=label, signal=name)
            )
        return StudentCodeError(
            "exit",
            _(
                "{label}: your code ended the process (exit status {code}); do not call os._exit or exit in graded code"
            ).format(label=label, code=code),
        )

    def student_error(self, reply: dict, label: str) -> StudentCodeError:
        kind = str(reply.get("kind"))
        text = _clip(str(reply.get("message", "")))
        where = ""
        if reply.get("file"):
            file, line = _clip(str(reply["file"]), 80), _clip(str(reply.get("line")), 20)
            where = " (" + _("{file}, line {line}").format(file=file, line=line) + ")"
        exc_type = _clip(str(reply.get("type", "Exception")), 60)
        if kind == "missing":
            name = str(reply.get("name"))
            names = [str(n) for n in reply.get("names", [])][:1000]
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
            module = _clip(str(reply.get("module")), 60)
            return StudentCodeError(
                kind, _("{module}.py has no {name}{hint}").format(module=module, name=name, hint=hint)
            )
        if kind == "no_module":
            module = _clip(str(reply.get("module")), 60)
            return StudentCodeError(kind, _("{label}: {module}.py is missing").format(label=label, module=module))
        if kind == "import":
            return StudentCodeError(
                kind,
                _("{label}: your module could not be imported: {error}{where}").format(
                    label=label, error=f"{exc_type}: {text}", where=where
                ),
            )
        if kind == "not_implemented":
            return StudentCodeError(
                kind, _("{label} is not written yet (it raises NotImplementedError)").format(label=label)
            )
        if kind == "exit":
            return StudentCodeError(
                kind, _("{label} called sys.exit({code}); return a value instead").format(label=label, code=text)
            )
        if exc_type == "MemoryError":
            return StudentCodeError(
                "memory",
                _("{label} ran out of memory (limit {limit} MiB)").format(
                    label=label, limit=f"{self.limits.memory_mb:g}"
                ),
            )
        if kind == "reference":
            return StudentCodeError(
                kind, _("{label}: the reference helper it calls failed: {error}").format(label=label, error=text)
            )
        return StudentCodeError(
            "raised", _("{label} raised {error}{where}").format(label=label, error=f"{exc_type}: {text}", where=where)
        )

    def serve_reference(self, request: dict, label: str) -> None:
        """Run a reference dependency here on the worker's arguments; callables stay in the worker."""
        try:
            function = self.reference(str(request.get("name"))) if self.reference else None
            if function is None:
                raise LookupError(_("no reference for {name}").format(name=repr(request.get("name"))))
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
            raise StudentCodeError(
                "forbidden", _("the worker sent data the grader refuses: {error}").format(error=exc)
            ) from None

    def resolve(self, data: dict) -> Any:
        if data.get("$t") != "ref" or not isinstance(data.get("id"), int):
            raise wire.WireError(_("the worker may only send handles to its own objects"))
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
    raise TypeError(_("cannot send a {type} to student code").format(type=type(value).__name__))


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + " …"
