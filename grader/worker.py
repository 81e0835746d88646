"""The untrusted side: a process that imports the submission and runs what the grader asks for.

It answers requests on a private pipe with plain data (see grader.wire). Everything here can be
subverted by the student's code, so nothing it says is believed beyond being data: the grader decides
pass or fail on its own side. Started as `python -I -m grader.worker IN_FD OUT_FD SUBMISSION_DIR`.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import traceback
import types
from typing import Any

import numpy as np

from grader import probes, wire

MESSAGE_LIMIT = 2000


class Worker:
    """Serves the grader's requests; holds the student's modules and the objects they returned."""

    def __init__(self, fd_in: int, fd_out: int, submission: str) -> None:
        self.fd_in, self.fd_out, self.submission = fd_in, fd_out, submission
        self.objects: dict[int, Any] = {}
        self.modules: dict[tuple, types.ModuleType] = {}
        self.aliases: list[list[np.ndarray]] = []

    def serve(self) -> None:
        """Answer requests until the grader closes the pipe."""
        while True:
            try:
                request = wire.recv_frame(self.fd_in)
            except wire.WireError:
                return
            self.answer(request)

    def answer(self, request: dict) -> None:
        """Run one request and send its reply, turning every failure of student code into data."""
        try:
            reply = {"op": "ok", **self.dispatch(request)}
        except StudentFailure as failure:
            reply = {"op": "err", **failure.details}
        except BaseException as exc:
            reply = {"op": "err", **self.describe(exc)}
        wire.send_frame(self.fd_out, reply)

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

    def load(self, module: str, deps: dict[str, list[str]]) -> types.ModuleType:
        """Import a student module once per set of substituted dependencies.

        A dependency named in `deps` is replaced by the reference, which runs in the grader: the module
        sees proxies of its sibling modules while it is imported, and its own copies of those names are
        replaced afterwards, so one mistake is charged once, in its own exercise.
        """
        key = (module, tuple(sorted((m, tuple(fs)) for m, fs in deps.items())))
        if key not in self.modules:
            try:
                self.modules[key] = self.import_with(module, deps)
            except StudentFailure as failure:
                self.modules[key] = failure
        loaded = self.modules[key]
        if isinstance(loaded, StudentFailure):
            raise loaded
        return loaded

    def import_with(self, module: str, deps: dict[str, list[str]]) -> types.ModuleType:
        path = os.path.join(self.submission, module + ".py")
        if not os.path.isfile(path):
            raise StudentFailure({"kind": "no_module", "module": module})
        stubs = {name: self.reference_stub(f"{dep}.{name}") for dep, names in deps.items() for name in names}
        saved = {dep: sys.modules.get(dep) for dep in deps}
        try:
            for dep, names in deps.items():
                sys.modules[dep] = self.proxy_module(dep, {n: stubs[n] for n in names})
            loaded = self.exec_module(module, path, unique=bool(deps))
        finally:
            for dep, original in saved.items():
                if original is None:
                    sys.modules.pop(dep, None)
                else:
                    sys.modules[dep] = original
        for name, stub in stubs.items():
            setattr(loaded, name, stub)
        return loaded

    def proxy_module(self, name: str, overrides: dict[str, Any]) -> types.ModuleType:
        """A stand-in for a dependency module: only the reference's functions, never the student's file, so
        a dependency that crashes on import cannot take this exercise down with it."""
        proxy = types.ModuleType(name)
        proxy.__dict__.update(overrides)
        return proxy

    def exec_module(self, module: str, path: str, unique: bool) -> types.ModuleType:
        """Execute a student file as a module; an exception here is an import failure."""
        already = sys.modules.get(module)
        if not unique and getattr(already, "__file__", None) == path:
            return already
        name = f"_graded_{module}_{len(self.modules)}" if unique else module
        spec = importlib.util.spec_from_file_location(name, path)
        loaded = importlib.util.module_from_spec(spec)
        if not unique:
            sys.modules[module] = loaded
        try:
            spec.loader.exec_module(loaded)
        except BaseException as exc:
            sys.modules.pop(module, None)
            raise StudentFailure({**self.describe(exc), "kind": "import"}) from None
        return loaded

    def reference_stub(self, qualified: str):
        """A function that asks the grader to run the reference `qualified` on this side's arguments."""
        name = qualified.rpartition(".")[2]

        def reference(*args: Any, **kwargs: Any) -> Any:
            exact = None if kwargs else probes.exact_gradient(name, args)
            if exact is not None:
                return exact
            arrays = [a for a in args if type(a) is np.ndarray]
            saved = [a.copy() for a in arrays]
            self.aliases.append(arrays)
            try:
                return self.request(
                    {
                        "op": "reference",
                        "name": qualified,
                        "args": self.encode(list(args)),
                        "kwargs": self.encode(kwargs),
                    }
                )
            finally:
                self.aliases.pop()
                for array, before in zip(arrays, saved, strict=False):
                    np.copyto(array, before)

        reference.__name__ = reference.__qualname__ = name
        return reference

    def request(self, message: dict) -> Any:
        """Ask the grader for something, serving its own nested requests until the answer comes."""
        wire.send_frame(self.fd_out, message)
        while True:
            incoming = wire.recv_frame(self.fd_in)
            if incoming.get("op") == "ok":
                return self.decode(incoming.get("value"))
            if incoming.get("op") == "err":
                raise ReferenceFailure(incoming.get("message", "the reference failed"))
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
        return self.objects[data["id"]]

    def reseed(self, seed: int | None) -> None:
        """Make the student's own use of np.random and random repeatable for the same grading seed.

        Only top-level requests carry a seed; a nested call inside a reference dependency keeps the state.
        """
        if seed is None:
            return
        np.random.seed(seed % 2**32)
        random.seed(seed)

    def describe(self, exc: BaseException) -> dict:
        """Name an exception of student code: its type, message and the file and line of the submission it came
        from (the grader words the message, in the student's language)."""
        if isinstance(exc, SystemExit):
            return {"kind": "exit", "type": "SystemExit", "message": _clip(repr(exc.code))}
        where, message = {}, _safe_str(exc)
        if isinstance(exc, SyntaxError) and exc.filename:  # its str() ends in "(file, line N)": say that once
            where, message = {"file": os.path.basename(exc.filename), "line": exc.lineno}, str(exc.msg)
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith(self.submission + os.sep):
                where = {"file": os.path.basename(frame.filename), "line": frame.lineno}
                break
        kind = "not_implemented" if isinstance(exc, NotImplementedError) else "raised"
        if isinstance(exc, ReferenceFailure):
            kind = "reference"
        return {"kind": kind, "type": type(exc).__name__, "message": _clip(message), **where}


class StudentFailure(Exception):
    """A failure already described as data for the grader."""

    def __init__(self, details: dict) -> None:
        super().__init__(details.get("message", ""))
        self.details = details


class ReferenceFailure(Exception):
    """The reference dependency failed on the arguments the student's code passed to it."""


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return f"<{type(exc).__name__} whose message cannot be shown>"


def _clip(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


def main(argv: list[str]) -> None:
    fd_in, fd_out, submission = int(argv[1]), int(argv[2]), os.path.realpath(argv[3])
    sys.dont_write_bytecode = True
    sys.path.insert(0, submission)
    Worker(fd_in, fd_out, submission).serve()


if __name__ == "__main__":
    main(sys.argv)
