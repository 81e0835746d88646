"""The untrusted side: a process that imports the submission and runs what the grader asks for.

It answers requests on its stdin and stdout with plain data (see grader.sandboxed.wire); what student code prints
goes to stderr, which the grader keeps apart. Everything here can be subverted by the student's code, so nothing
it says is believed beyond being data: the grader decides pass or fail on its own side, and serves only what it
chose to serve. grader.grading.sandbox starts it as `main([GRADER_PARENT, SUBMISSION_DIR, CONFIG_JSON])`, with
the grader package it runs itself on `sys.path`; before any student code runs it applies its limits
(grader.sandboxed.limits) and, on Linux, a seccomp filter (grader.sandboxed.seccomp), then says hello.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import random
import sys
import traceback
import types
from typing import Any, BinaryIO

import numpy as np

from grader.sandboxed import limits, probes, seccomp, wire

MESSAGE_LIMIT = 2000


class Worker:
    """Serves the grader's requests; holds the student's modules and the objects they returned."""

    def __init__(self, wire_in: BinaryIO, wire_out: BinaryIO, submission: str) -> None:
        self.wire_in, self.wire_out, self.submission = wire_in, wire_out, submission
        self.objects: dict[int, Any] = {}
        self.modules: dict[tuple, types.ModuleType | StudentFailure] = {}
        self.aliases: list[list[np.ndarray]] = []

    def serve(self) -> None:
        """Answer requests until the grader closes the pipe."""
        while True:
            try:
                request = wire.recv_frame(self.wire_in)
            except wire.WireError:
                return
            self.answer(request)

    def send(self, message: dict) -> None:
        wire.send_frame(self.wire_out, message)

    def answer(self, request: dict) -> None:
        """Run one request and send its reply, turning every failure of student code into data."""
        try:
            reply = {"op": "ok", **self.dispatch(request)}
        except StudentFailure as failure:
            reply = {"op": "err", **failure.details}
        except BaseException as exc:
            reply = {"op": "err", **self.describe(exc)}
        self.send(reply)

    def dispatch(self, request: dict) -> dict:
        op = request.get("op")
        if op == "call":
            return self.call(request)
        if op == "get":
            return {"value": self.encode(self.resolve_target(request["target"]))}
        if op == "scenario":
            module = self.load(request["module"], request.get("deps", {}))
            scenario = probes.SCENARIOS[request["name"]]
            self.reseed(request.get("seed"))
            kwargs = self.decode(request.get("kwargs", {}))
            return {"value": self.encode(scenario(module, **kwargs))}
        raise StudentFailure({"kind": "protocol", "message": f"unknown request {op!r}"})

    def call(self, request: dict) -> dict:
        """Call a function or method of the submission; optionally send the arguments back afterwards."""
        function = self.resolve_target(request["target"])
        args = self.decode(request.get("args", []))
        kwargs = self.decode(request.get("kwargs", {}))
        self.reseed(request.get("seed"))
        result = function(*args, **kwargs)
        reply = {"value": self.encode(result)}
        if request.get("trace"):
            reply["args"] = self.encode(list(args))
        return reply

    def resolve_target(self, target: dict) -> Any:
        owner = self.objects[target["ref"]] if "ref" in target else self.load(target["module"], target.get("deps", {}))
        name = target.get("attr")
        if name is None:
            return owner
        try:
            return getattr(owner, name)
        except AttributeError:
            if isinstance(owner, types.ModuleType):
                names = sorted(n for n in vars(owner) if not n.startswith("_"))
                details = {"kind": "missing", "name": name, "names": names, "module": target["module"]}
                raise StudentFailure(details) from None
            raise

    def load(self, module: str, deps: dict[str, dict]) -> types.ModuleType:
        """Import a student module once per set of substituted dependencies.

        A dependency named in DEPS is the student's own module with the functions that failed their tests
        replaced by stubs that ask the grader for the reference ("keep": false when the student's module itself
        cannot be imported: then only the reference's functions), so one mistake is charged once, in its own
        exercise, and the student's own imports of their other names still work.
        """
        key = (module, json.dumps(deps, sort_keys=True))
        if key not in self.modules:
            try:
                self.modules[key] = self.import_with(module, deps)
            except StudentFailure as failure:
                self.modules[key] = failure
        loaded = self.modules[key]
        if isinstance(loaded, StudentFailure):
            raise loaded
        return loaded

    def import_with(self, module: str, deps: dict[str, dict]) -> types.ModuleType:
        path = self.module_path(module)
        stand_ins = {dep: self.stand_in(dep, spec) for dep, spec in deps.items()}
        saved = {dep: sys.modules.get(dep) for dep in deps}
        try:
            sys.modules.update(stand_ins)
            loaded = self.exec_module(module, path, unique=bool(deps))
        finally:
            for dep, original in saved.items():
                if original is None:
                    sys.modules.pop(dep, None)
                else:
                    sys.modules[dep] = original
        for dep, spec in deps.items():
            for name in spec["functions"]:
                setattr(loaded, name, getattr(stand_ins[dep], name))
        return loaded

    def module_path(self, module: str) -> str:
        path = os.path.join(self.submission, module + ".py")
        if not os.path.isfile(path):
            raise StudentFailure({"kind": "no_module", "module": module})
        return path

    def stand_in(self, dep: str, spec: dict) -> types.ModuleType:
        """The dependency DEP as the student wrote it, but for SPEC's functions, which the reference serves."""
        stand_in = types.ModuleType(dep)
        if spec.get("keep"):
            try:
                own = self.exec_module(dep, self.module_path(dep), unique=True)
                stand_in.__dict__.update({k: v for k, v in vars(own).items() if not k.startswith("__")})
            except StudentFailure:
                pass  # its own exercise already reports why; this one gets the reference's functions only
        for name in spec["functions"]:
            setattr(stand_in, name, self.reference_stub(dep, name))
        return stand_in

    def exec_module(self, module: str, path: str, unique: bool) -> types.ModuleType:
        """Execute a student file as a module, telling the grader so that a hang or crash here is blamed on the
        import; an exception here is an import failure."""
        already = sys.modules.get(module)
        if not unique and getattr(already, "__file__", None) == path:
            return already
        name = f"_graded_{module}_{len(self.modules)}_{id(path)}" if unique else module
        spec = importlib.util.spec_from_file_location(name, path)
        loaded = importlib.util.module_from_spec(spec)
        if not unique:
            sys.modules[module] = loaded
        self.send({"op": "importing", "module": module})
        try:
            spec.loader.exec_module(loaded)
        except BaseException as exc:
            sys.modules.pop(module, None)
            raise StudentFailure({**self.describe(exc), "kind": "import", "module": module}) from None
        finally:
            self.send({"op": "imported", "module": module})
        return loaded

    def reference_stub(self, dep: str, name: str):
        """A function that asks the grader to run the reference DEP.NAME on this side's arguments."""

        def reference(*args: Any, **kwargs: Any) -> Any:
            exact = None if kwargs else probes.shortcut(name, args)
            if exact is not None:
                return exact
            arrays = [a for a in args if type(a) is np.ndarray]
            saved = [a.copy() for a in arrays]
            self.aliases.append(arrays)
            try:
                message = {"args": self.encode(list(args)), "kwargs": self.encode(kwargs)}
                return self.request({"op": "reference", "module": dep, "function": name, **message})
            finally:
                self.aliases.pop()
                for array, before in zip(arrays, saved, strict=False):
                    np.copyto(array, before)

        reference.__name__ = reference.__qualname__ = name
        return reference

    def request(self, message: dict) -> Any:
        """Ask the grader for something, serving its own nested requests until the answer comes."""
        self.send(message)
        while True:
            incoming = wire.recv_frame(self.wire_in)
            if incoming.get("op") == "ok":
                return self.decode(incoming.get("value"))
            if incoming.get("op") == "err":
                helper, raised = str(message.get("function", "f")), str(incoming.get("type", "Exception"))
                raise ReferenceFailure(str(incoming.get("message", "")), helper, raised)
            self.answer(incoming)

    def encode(self, value: Any) -> Any:
        return wire.encode(value, self.keep)

    def keep(self, value: Any) -> wire.Handle:
        handle = wire.Handle(len(self.objects) + 1, type(value).__name__)
        self.objects[handle.id] = value
        return handle

    def decode(self, data: Any) -> Any:
        return wire.decode(data, self.resolve_tag)

    def resolve_tag(self, data: dict) -> Any:
        if data["$t"] == "alias":
            array = self.aliases[-1][data["index"]]
            np.copyto(array, self.decode(data["value"]))
            return array
        if data["$t"] == "opaque":
            return OpaqueFunction(int(data["id"]), self)
        return self.objects[data["id"]]

    def reseed(self, seed: int | None) -> None:
        """Make the student's own use of np.random and random repeatable: the grader sends a seed per call that
        depends on the test and the call, never the grading seed. A nested call keeps the state."""
        if seed is None:
            return
        np.random.seed(seed % 2**32)
        random.seed(seed)

    def describe(self, exc: BaseException) -> dict:
        """Name an exception of student code: its type and the built-in types it derives from, its message and the
        file and line of the submission it came from (the grader words the message, in the student's language)."""
        if isinstance(exc, SystemExit):
            return {"kind": "exit", "type": "SystemExit", "message": _clip(repr(exc.code))}
        where, message = {}, _safe_str(exc)
        if isinstance(exc, SyntaxError) and exc.filename:  # its str() ends in "(file, line N)": say that once
            where, message = {"file": os.path.basename(exc.filename), "line": exc.lineno}, str(exc.msg)
            where["code"] = _clip(str(exc.text or "").strip())
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith(self.submission + os.sep):
                where = {"file": os.path.basename(frame.filename), "line": frame.lineno}
                break
        kind = "not_implemented" if isinstance(exc, NotImplementedError) else "raised"
        if isinstance(exc, ReferenceFailure):
            kind, where = "reference", {**where, "helper": exc.helper}
        builtin = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
        if isinstance(exc, ReferenceFailure):  # what the reference raised, by the grader's word
            builtin = [exc.raised]
        details = {"kind": kind, "type": type(exc).__name__, "builtins": builtin, "message": _clip(message), **where}
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            details["missing_module"] = str(exc.name)
        return details


class OpaqueFunction(wire.Opaque):
    """A function of the grader's: calling it asks the grader for the value; student code cannot read it."""

    def __init__(self, key: int, worker: Worker) -> None:
        super().__init__(key)
        object.__setattr__(self, "_worker", worker)

    def __call__(self, *args: Any) -> Any:
        return self._worker.request({"op": "eval", "id": self.id, "args": self._worker.encode(list(args))})

    def __repr__(self) -> str:
        return "<function f>"


class StudentFailure(Exception):
    """A failure already described as data for the grader."""

    def __init__(self, details: dict) -> None:
        super().__init__(details.get("message", ""))
        self.details = details


class ReferenceFailure(Exception):
    """The grader refused or could not run what student code asked of it (a reference dependency, an opaque
    function) on the arguments it passed."""

    def __init__(self, message: str, helper: str, raised: str) -> None:
        super().__init__(message)
        self.helper, self.raised = helper, raised


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return f"<{type(exc).__name__} whose message cannot be shown>"


def _clip(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


def _own_stdio() -> tuple[BinaryIO, BinaryIO]:
    """The wire is the stdin and stdout the grader gave; student code gets an empty stdin, and what it prints
    (sys.stdout, print, fd 1) goes to stderr, which the grader keeps apart from the wire."""
    wire_in = os.fdopen(os.dup(0), "rb")
    wire_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    return wire_in, wire_out


def main(argv: list[str]) -> None:
    submission, config = os.path.realpath(argv[1]), json.loads(argv[2])
    sys.dont_write_bytecode = True
    wire_in, wire_out = _own_stdio()
    unavailable = limits.apply(config["limits"], own_uid=config["own_uid"])
    problem = seccomp.install()
    if problem is not None and config["seccomp"]:
        wire.send_frame(wire_out, {"op": "hello", "fatal": problem})
        return
    if config.get("probes"):
        try:
            probes.load(config["probes"]["source"], config["probes"]["file"], config["probes"]["name"])
        except Exception as exc:
            wire.send_frame(wire_out, {"op": "hello", "fatal": f"{config['probes']['file']}: {_safe_str(exc)}"})
            return
    wire.send_frame(wire_out, {"op": "hello", "unavailable": unavailable + ([problem] if problem else [])})
    sys.path.insert(0, submission)
    _collect_garbage_again()
    Worker(wire_in, wire_out, submission).serve()


def _collect_garbage_again() -> None:
    """Turn the garbage collector back on (the boot turned it off while the worker imported numpy and itself), so
    that student code runs with Python's usual memory management; what the boot made is set aside (gc.freeze) and
    never traversed again (it lives as long as the worker)."""
    gc.freeze()
    gc.enable()


if __name__ == "__main__":
    main(sys.argv)
