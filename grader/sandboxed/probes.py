"""Probe functions: the course's functions that suites hand to student code by name.

A course names a module of them in course.yaml (`probes:`). Both sides load it: the grader from the course, the
worker from the source the grader sends it, so the function student code calls and the one the grader calls
with the reference are the same. The module may define `FUNCTIONS` (name -> function of x and parameters),
`SCENARIOS` (name -> function run in the worker with the student's module) and `shortcut(function, args)`, an
answer the worker may give itself to a dependency call instead of asking the grader (None: ask).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FUNCTIONS: dict[str, Callable[..., Any]] = {}
SCENARIOS: dict[str, Callable[..., Any]] = {}
_shortcuts: list[Callable[[str, tuple], Any]] = []


@dataclass(frozen=True, eq=False)
class Probe:
    """A probe function with its parameters bound. It travels by name, so when student code hands it on
    to a reference dependency, the grader evaluates it on its own side instead of calling back."""

    name: str
    params: tuple = ()

    def __post_init__(self) -> None:
        if self.name not in FUNCTIONS:
            raise ValueError(f"unknown probe function {self.name!r}")

    def __call__(self, x: Any) -> Any:
        return FUNCTIONS[self.name](x, **dict(self.params))

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def install(module: types.ModuleType) -> None:
    """Serve MODULE's probe functions, scenarios and shortcut from now on (replacing any course's before)."""
    FUNCTIONS.clear()
    FUNCTIONS.update(getattr(module, "FUNCTIONS", {}))
    SCENARIOS.clear()
    SCENARIOS.update(getattr(module, "SCENARIOS", {}))
    _shortcuts[:] = [module.shortcut] if callable(getattr(module, "shortcut", None)) else []


def load(source: str, filename: str, name: str) -> types.ModuleType:
    """Run SOURCE (the course's probes module, from FILENAME) as module NAME and install it."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    install(module)
    return module


def shortcut(function: str, args: tuple) -> Any:
    """The course's own answer to a dependency call FUNCTION(*ARGS), or None when the grader must be asked."""
    return _shortcuts[0](function, args) if _shortcuts else None
