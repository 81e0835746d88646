"""One source for two copies: the student's stub is the reference solution with every
`### BEGIN SOLUTION` … `### END SOLUTION` block replaced by `raise NotImplementedError`."""

from __future__ import annotations

import re
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.terminal import shown

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[ \t]*\n.*?^[ \t]*{re.escape(END)}[ \t]*\n", re.M | re.S)


def make_stub(source: str, where: str) -> str:
    """The stub for one solution module's source text."""
    stub = _BLOCK.sub(lambda m: f"{m.group(1)}raise NotImplementedError\n", source)
    if BEGIN in stub or END in stub:
        raise GradingError(f"{where}: unbalanced {BEGIN} / {END} markers")
    return stub


def stubs(solutions_dir: Path, modules: list[str]) -> dict[str, str]:
    """The stub of every module, by module name, made from its solution: what `grade stubs` writes and what a
    release ships, whatever the working exercises/ holds."""
    return {module: _stub_of(solutions_dir, module) for module in modules}


def stale_stubs(solutions_dir: Path, exercises_dir: Path, modules: list[str]) -> list[str]:
    """The stub files that differ from what their solution module generates."""
    made = stubs(solutions_dir, modules)
    return [m for m in modules if _read(exercises_dir / f"{m}.py") != made[m]]


def write_stubs(solutions_dir: Path, exercises_dir: Path, modules: list[str]) -> list[Path]:
    """Write every stub from its solution module; returns the files that changed."""
    changed = []
    exercises_dir.mkdir(parents=True, exist_ok=True)
    made = stubs(solutions_dir, modules)
    for module in stale_stubs(solutions_dir, exercises_dir, modules):
        target = exercises_dir / f"{module}.py"
        target.write_text(made[module], encoding="utf-8")
        changed.append(target)
    return changed


def _stub_of(solutions_dir: Path, module: str) -> str:
    path = solutions_dir / f"{module}.py"
    text = _read(path)
    if text is None:
        raise GradingError(f"{shown(path)} does not exist")
    return make_stub(text, str(path))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
