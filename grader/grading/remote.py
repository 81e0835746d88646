"""The trusted side's view of a submission: proxies that call student code in the worker process.

A call sends plain data to the worker and returns decoded plain data, or raises StudentCodeError naming what
went wrong (an exception, a timeout, a crash, a missing function, an import that failed). Every wait has a
deadline that a watchdog enforces by killing the worker, to the byte. While waiting, the session answers the
worker from a fixed menu only: the reference functions the grader decided to serve for the test that runs (a
dependency whose own tests failed), and the values of the grader's own opaque functions, each on arguments of
bounded size. No name the worker sends is ever imported or looked up anywhere else.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import signal
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.core.errors import GradingError
from grader.core.i18n import _, ngettext
from grader.grading import zygote
from grader.grading.deadline import Alarm, Overrun, Watchdog, overrun_after
from grader.grading.sandbox import PROCESS, Isolation, Staged, WorkerProcess, staged
from grader.model.course import Limits
from grader.sandboxed import wire

START_SECONDS = 60.0  # a worker's start-up (Python, numpy) is the grader's cost, never a student's
GRACE_SECONDS = 1.0  # past a call's deadline, the grader's own work for it is interrupted (POSIX)
# Syntax that came with Python 3.12 (PEP 695's type parameters and type statement), named when grading runs older.
_NEWER_SYNTAX = re.compile(r"^\s*(type\s+\w+\s*(\[.*\])?\s*=|(async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)")
MAX_SERVED_ITEMS = 20_000  # array elements and list items a served reference or opaque function is handed


class StudentCodeError(Exception):
    """Student code could not give an answer; `status` is "error" or "timeout", `kind` says why, `builtins` are the
    built-in exception types a raised exception derives from (judge by type, never by message text)."""

    def __init__(self, kind: str, message: str, status: str = "error", builtins: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kind, self.message, self.status, self.builtins = kind, message, status, builtins

    def raised(self, *exceptions: type[BaseException] | str) -> bool:
        """True when student code (or a reference that stands in for it) raised one of EXCEPTIONS, built-in
        exception types or their names, or a subclass of one."""
        names = {e if isinstance(e, str) else e.__name__ for e in exceptions}
        return self.kind in ("raised", "reference") and not names.isdisjoint(self.builtins)


class WorkerStartError(GradingError):
    """The worker could not start: the grader's environment is at fault, not the submission."""


@dataclass
class CallTrace:
    """A call's result together with its arguments as they were after the call (to catch mutation)."""

    value: Any
    args: list


def call_seed(test: str, number: int) -> int:
    """The seed of np.random for the NUMBER-th call of TEST: repeatable, and it tells nothing of the grading seed."""
    return zlib.crc32(f"{test}#{number}".encode())


class Session:
    """One grading run of one submission: stages it once, starts the worker on demand and restarts it after a
    kill, and keeps each exercise's and the submission's time."""

    def __init__(
        self,
        submission: Path,
        limits: Limits,
        seed: int,
        isolation: Isolation = PROCESS,
        probes: dict | None = None,
    ) -> None:
        self.submission, self.limits, self.seed, self.isolation = submission, limits, seed, isolation
        self.probes = probes  # the course's probes module for the worker to load (grader.grading.course_code)
        self.worker: WorkerProcess | None = None
        self.fatal: GradingError | None = None
        self.unavailable: list[str] = []  # limits this platform did not apply
        self.menu: dict[tuple[str, str], Callable] = {}  # the reference functions served to the running test
        self.opaque: dict[int, Callable] = {}
        self.exercise, self.test, self.calls = "", "", 0
        self.spent: dict[str, float] = {}  # grading time each exercise has used
        self.submission_end = time.monotonic() + limits.submission_seconds
        self.test_deadline = self.submission_end
        self.allotted = 0.0
        self.aliases: list[list[np.ndarray]] = []
        self.refused: str | None = None
        self.importing: str | None = None
        self.output = ""
        self._watchdog = Watchdog()
        self._alarm: Alarm | None = None
        self._stack = contextlib.ExitStack()
        self._staged: Staged | None = None
        self._greeted = False
        self.start()

    def start(self) -> None:
        """Stage the submission (once) and start a worker, whose start-up overlaps the grader's own."""
        if self.fatal is not None:
            raise self.fatal
        if self._staged is None:
            within = zygote.staging_dir(self.isolation)  # a batch slot's zygote forks the workers
            self._staged = self._stack.enter_context(staged(self.submission, self.isolation, within))
        if self.worker is None:
            try:
                self.worker = zygote.start_worker(self._staged, self.limits, self.isolation, self.probes)
            except OSError as exc:
                self.fatal = WorkerStartError(self._cannot_start(f"{type(exc).__name__}: {exc}"))
                raise self.fatal from None
            self._greeted = False

    def _cannot_start(self, reason: str) -> str:
        """Why no worker could start, and in uid isolation what an unprivileged uid must be able to read."""
        message = _("the process that runs student code could not start: {reason}").format(reason=reason)
        if self.isolation.mode == "uid":
            message += " " + _("(in uid isolation, {python} and its libraries must be readable by every user)").format(
                python=sys.executable
            )
        return message

    def _greet(self) -> None:
        """Wait for a new worker's first frame; a worker that dies before it is the grader's problem, not the
        student's (no student code has run yet)."""
        worker = self.worker
        self._alarm = self._watchdog.arm(time.monotonic() + START_SECONDS, worker.stop)
        try:
            hello = wire.recv_frame(worker.from_worker)
        except wire.WireError:
            printed = worker.take_output(settle=True)[0].decode(errors="replace").strip().splitlines()
            hello = {"fatal": printed[-1] if printed else _("it ended without a word")}
            self.fatal = WorkerStartError(self._cannot_start(hello["fatal"]))
        finally:
            self._watchdog.disarm()
        if self.fatal is None and hello.get("fatal"):
            self.fatal = WorkerStartError(
                _("the sandbox for student code could not be built: {reason}").format(reason=hello["fatal"])
            )
        if self.fatal is not None:
            self.close()
            raise self.fatal
        self._greeted = True
        self.unavailable = sorted({*self.unavailable, *map(str, hello.get("unavailable", []))})

    def close(self) -> None:
        """End the worker; the next call starts a fresh one."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    def finish(self) -> None:
        """Close for good: worker, staged copy, watchdog."""
        self.close()
        self._stack.close()
        self._watchdog.close()

    def begin_test(self, exercise: str, test: str) -> None:
        """A test of EXERCISE starts: its calls get seeds of their own, and its menu is empty until its `student`
        fixture sets it."""
        self.exercise, self.test, self.calls, self.menu = exercise, test, 0, {}
        left = self.limits.exercise_seconds - self.spent.get(exercise, 0.0)
        self.test_deadline = min(time.monotonic() + left, self.submission_end)

    def end_test(self, elapsed: float) -> None:
        """Charge the test's whole time, the grader's share included, to its exercise."""
        self.spent[self.exercise] = self.spent.get(self.exercise, 0.0) + elapsed

    def take_output(self) -> str:
        """What student code printed since the last call, cut to the output limit."""
        printed, dropped = self.worker.take_output() if self.worker is not None else (b"", 0)
        text = self.output + printed.decode(errors="replace")
        self.output = ""
        if dropped:
            text += "\n" + ngettext(
                "… {n} more byte of output was cut", "… {n} more bytes of output were cut", dropped
            ).format(n=dropped)
        return text

    def module(self, name: str, deps: dict[str, dict], label: str) -> StudentModule:
        return StudentModule(self, name, deps, label)

    def request(self, message: dict, label: str) -> dict:
        """Send a request and return the worker's "ok" reply.

        At top level the call gets a fresh deadline (the per-call limit, within what is left of the exercise's and
        the submission's time) that bounds everything it causes on both sides; a request made while a reference
        dependency or an opaque function is being served shares its caller's.
        """
        if self.aliases:
            return self.exchange(message, label)
        self.start()
        if not self._greeted:
            self._greet()
        self.allotted = min(self.limits.call_seconds, self._time_left(label))
        self.refused = None
        if message["op"] in ("call", "scenario"):  # the calls that run student code, each with a seed of its own
            self.calls += 1
            message = {**message, "seed": call_seed(self.test, self.calls)}
        self._alarm = self._watchdog.arm(time.monotonic() + self.allotted, self.worker.stop)
        try:
            with overrun_after(self.allotted + GRACE_SECONDS):
                reply = self.exchange(message, label)
        except Overrun:
            raise self.overrun(label) from None
        except StudentCodeError:
            if self.refused is None:
                raise
            reply = {}
        finally:
            self._watchdog.disarm()
        if self.refused is not None:  # whatever student code made of the refusal, the call fails for it
            raise StudentCodeError("forbidden", self.refused)
        return reply

    def _time_left(self, label: str) -> float:
        """What is left of the exercise's and the submission's grading time; none left is a timeout."""
        now = time.monotonic()
        if self.test_deadline - now <= 0 < self.submission_end - now:
            raise StudentCodeError(
                "budget",
                _("{label} was not run: exercise {exercise} used up its {seconds} s of grading time").format(
                    label=label, exercise=self.exercise, seconds=f"{self.limits.exercise_seconds:g}"
                ),
                "timeout",
            )
        if self.submission_end - now <= 0:
            raise StudentCodeError(
                "budget",
                _("{label} was not run: the submission used up its {seconds} s of grading time").format(
                    label=label, seconds=f"{self.limits.submission_seconds:g}"
                ),
                "timeout",
            )
        return self.test_deadline - now

    def overrun(self, label: str) -> StudentCodeError:
        """The timeout error for LABEL when the grader's own work for it ran out of time (the worker is ended)."""
        importing, self.importing = self.importing, None
        self.close()
        return self._timeout(label, importing)

    def _timeout(self, label: str, importing: str | None) -> StudentCodeError:
        seconds = f"{round(self.allotted or self.limits.call_seconds, 1):g}"
        if importing:
            return StudentCodeError(
                "import_timeout",
                _(
                    "importing {module}.py did not finish within {seconds} s and was stopped: "
                    "is there a loop or a long computation at the module's top level?"
                ).format(module=importing, seconds=seconds),
                "timeout",
            )
        return StudentCodeError(
            "timeout",
            _("{label} did not finish within {seconds} s and was stopped").format(label=label, seconds=seconds),
            "timeout",
        )

    def exchange(self, message: dict, label: str) -> dict:
        """Send a message and serve the worker until its answer comes."""
        if self.fatal is not None:
            raise self.fatal
        worker = self.worker
        if worker is None:
            raise StudentCodeError("crash", _("{label}: the worker process is gone").format(label=label))
        try:
            wire.send_frame(worker.to_worker, message)
        except OSError:
            raise self.died(label) from None
        try:
            while True:
                reply = self.receive(label)
                op = reply.get("op")
                if op == "ok":
                    return reply
                if op == "err":
                    raise self.student_error(reply, label)
                if op in ("reference", "eval"):
                    self.serve(reply, label)
                    continue
                self.close()
                raise StudentCodeError("protocol", _("{label}: the worker sent an unknown message").format(label=label))
        except Overrun:
            self.close()
            raise

    def receive(self, label: str) -> dict:
        """The worker's next reply; it tells the grader when it imports a module, so that a hang or a crash there is
        blamed on the import."""
        while True:
            try:
                frame = wire.recv_frame(self.worker.from_worker)
            except wire.Closed:
                raise self.died(label) from None
            except wire.WireError as exc:
                self.close()
                raise StudentCodeError(
                    "forbidden", _("the worker sent data the grader refuses: {error}").format(error=exc)
                ) from None
            if frame.get("op") == "importing":
                self.importing = _clip(str(frame.get("module")), 60)
            elif frame.get("op") == "imported":
                self.importing = None
            else:
                return frame

    def died(self, label: str) -> StudentCodeError:
        """Describe how the worker ended, then forget it so the next call starts a fresh one."""
        worker = self.worker
        timed_out = self._alarm is not None and self._alarm.fired
        signum, code = worker.status(timeout=5)
        printed, _dropped = worker.take_output(settle=True)
        self.output += printed.decode(errors="replace")
        importing, self.importing = self.importing, None
        self.close()
        if getattr(worker, "lost", False):  # a batch slot's zygote ended under it: the grader's failure
            self.fatal = WorkerStartError(self._cannot_start(_("it ended without a word")))
            return StudentCodeError("crash", _("{label}: the worker process is gone").format(label=label))
        if timed_out:
            return self._timeout(label, importing)
        where = (
            _("{module}.py, while it was being imported").format(module=importing) if importing is not None else label
        )
        if signum is not None:
            name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
            if name == "SIGXCPU":
                return StudentCodeError(
                    "cpu",
                    _("{label}: used more than {seconds} s of CPU time and was stopped").format(
                        label=where, seconds=f"{self.limits.cpu_seconds:g}"
                    ),
                    "timeout",
                )
            return StudentCodeError(
                "import_crash" if importing else "crash",
                _("{label}: the process running your code crashed ({signal})").format(label=where, signal=name),
            )
        return StudentCodeError(
            "import_exit" if importing else "exit",
            _(
                "{label}: your code ended the process (exit status {code}); do not call os._exit or exit in graded code"
            ).format(label=where, code=code),
        )

    def student_error(self, reply: dict, label: str) -> StudentCodeError:
        kind = str(reply.get("kind"))
        text = _clip(str(reply.get("message", "")))
        where = ""
        if reply.get("file"):
            file, line = _clip(str(reply["file"]), 80), _clip(str(reply.get("line")), 20)
            where = " (" + _("{file}, line {line}").format(file=file, line=line) + ")"
        exc_type = _clip(str(reply.get("type", "Exception")), 60)
        builtins = tuple(str(name)[:40] for name in reply.get("builtins", [])[:20] if isinstance(name, str))
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
            return StudentCodeError(kind, _("{module}.py is missing").format(module=module))
        if kind == "import":
            return self._import_error(reply, f"{exc_type}: {text}", where)
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
                kind,
                _("{label} failed inside the reference {helper} that stands in for your own: {error}").format(
                    label=label, helper=_clip(str(reply.get("helper", "")), 60) or _("helper"), error=text
                ),
                builtins=builtins,
            )
        return StudentCodeError(
            "raised",
            _("{label} raised {error}{where}").format(label=label, error=f"{exc_type}: {text}", where=where),
            builtins=builtins,
        )

    def _import_error(self, reply: dict, error: str, where: str) -> StudentCodeError:
        """A module that could not be imported, said once for the module, with what the student cannot see."""
        module = _clip(str(reply.get("module")), 60)
        message = _("{module}.py could not be imported: {error}{where}").format(module=module, error=error, where=where)
        if reply.get("type") == "SyntaxError":
            version = f"{sys.version_info[0]}.{sys.version_info[1]}"
            newer = _NEWER_SYNTAX.search(str(reply.get("code", "")))
            message += " " + (
                _("(grading runs Python {version}, which does not have this syntax: it came with Python 3.12)")
                if newer and sys.version_info < (3, 12)
                else _("(grading runs Python {version})")
            ).format(version=version)
        missing = reply.get("missing_module")
        if isinstance(missing, str) and missing.partition(".")[0] != "numpy":
            message += " " + _(
                "(grading has no package {name}: only numpy and Python's standard library can be imported)"
            ).format(name=_clip(missing, 60))
        return StudentCodeError("import", message)

    def serve(self, request: dict, label: str) -> None:
        """Answer the worker from the menu: a reference function the grader chose to serve to this test, or one of
        the grader's opaque functions; anything else is refused, and the call fails for it."""
        try:
            function, name = self._lookup(request)
            args = self.decode(request.get("args", []))
            kwargs = self.decode(request["kwargs"]) if "kwargs" in request else {}
            _check_size(args, kwargs, name)
            self.aliases.append([a for a in args if type(a) is np.ndarray])
            try:
                value = function(*args, **kwargs)
            finally:
                self.aliases.pop()
            reply = {"op": "ok", "value": self.encode(value)}
        except Refused as exc:
            self.refused = self.refused or _("{label} asked the grader for {what}, which it does not serve").format(
                label=label, what=exc.what
            )
            reply = {"op": "err", "message": str(self.refused)}
        except (StudentCodeError, Overrun):
            raise
        except Exception as exc:
            raised = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
            reply = {"op": "err", "message": f"{type(exc).__name__}: {_clip(str(exc))}", "type": raised[0]}
        try:
            wire.send_frame(self.worker.to_worker, reply)
        except (OSError, AttributeError):
            raise self.died(label) from None

    def _lookup(self, request: dict) -> tuple[Callable, str]:
        if request.get("op") == "eval":
            key = request.get("id")
            if type(key) is not int or key not in self.opaque:
                raise Refused(_("an unknown function"))
            return self.opaque[key], "f"
        key = (request.get("module"), request.get("function"))
        if key not in self.menu:
            raise Refused(f"{_clip(str(key[0]), 40)}.{_clip(str(key[1]), 40)}")
        return self.menu[key], str(key[1])

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
        return wire.encode(value, self._handle)

    def _handle(self, value: Any) -> wire.Handle | wire.Opaque:
        """What stands for VALUE on the wire: a worker object's own handle, or an opaque function of ours."""
        if isinstance(value, RemoteObject):
            return value._handle
        if getattr(value, "opaque", False) and callable(value):
            key = len(self.opaque) + 1
            self.opaque[key] = value
            return wire.Opaque(key)
        raise TypeError(_("cannot send a {type} to student code").format(type=type(value).__name__))

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
        if data.get("$t") == "opaque" and data.get("id") in self.opaque:
            return self.opaque[data["id"]]
        if data.get("$t") != "ref" or not isinstance(data.get("id"), int):
            raise wire.WireError(_("the worker may only send handles to its own objects"))
        return RemoteObject(self, wire.Handle(data["id"], _clip(str(data.get("kind")), 60)))


class Refused(Exception):
    """The worker asked for something off the menu."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _check_size(args: Any, kwargs: Any, name: str) -> None:
    """Refuse arguments whose arrays and lists hold more than MAX_SERVED_ITEMS items, or complex numbers: the
    grader's work for a served call must stay within what the course's own inputs need."""
    items, pending = 0, [args, kwargs]
    while pending:
        value = pending.pop()
        if type(value) is np.ndarray:
            items += value.size
            if value.dtype.kind == "c":
                raise Refused(_("{name} on complex numbers").format(name=name))
        elif type(value) in (list, tuple):
            items += len(value)
            pending.extend(value)
        elif type(value) is dict:
            items += len(value)
            pending.extend(value.values())
        elif type(value) is complex:
            raise Refused(_("{name} on complex numbers").format(name=name))
        if items > MAX_SERVED_ITEMS:
            raise Refused(_("{name} on more than {n} numbers").format(name=name, n=MAX_SERVED_ITEMS))


class StudentModule:
    """The student's module for one exercise: attribute access gives callable proxies."""

    def __init__(self, session: Session, name: str, deps: dict[str, dict], label: str) -> None:
        self._session, self._name, self._deps, self._label = session, name, deps, label

    def __getattr__(self, attr: str) -> RemoteFunction:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return RemoteFunction(self._session, {"module": self._name, "deps": self._deps, "attr": attr}, attr)

    def run(self, scenario: Callable, label: str | None = None, **kwargs: Any) -> Any:
        """Run a scenario of the course's probes with this module in the worker; LABEL names it in messages."""
        message = {
            "op": "scenario",
            "name": scenario.__name__,
            "module": self._name,
            "deps": self._deps,
            "kwargs": self._session.encode(kwargs),
        }
        reply = self._session.request(message, label or scenario.__name__)
        return self._session.decode(reply.get("value"))


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


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + " …"
