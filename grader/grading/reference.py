"""The reference solutions, imported into the trusted process (never into the worker)."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from grader.core.errors import GradingError
from grader.grading.memo import Memo, RememberingModule

# One per process: a batch slot grades submission after submission with the same reference (see grader.grading.memo).
_MEMO = Memo()


class Reference:
    """Loads solution modules by name from the course's solutions directory."""

    def __init__(self, solutions_dir: Path) -> None:
        self.solutions_dir = solutions_dir.resolve()

    def module(self, name: str) -> types.ModuleType:
        directory = str(self.solutions_dir)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        try:
            return importlib.import_module(name)
        except Exception as exc:
            raise GradingError(
                f"the reference solution {self.solutions_dir / name}.py cannot be imported: {type(exc).__name__}: {exc}"
            ) from None

    def remembering(self, name: str) -> RememberingModule:
        """The solution module NAME whose functions remember their answers to plain arguments (grader.grading.memo)."""
        return RememberingModule(self.module(name), _MEMO)

    def load_all(self, names: list[str]) -> None:
        """Import every reference module now, before any student code runs, so that nothing student code
        does to the files later (in process isolation it may write them) can change the reference."""
        for name in names:
            self.module(name)
