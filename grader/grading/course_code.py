"""The course's own code on the trusted side: its probes module, loaded once before the suites that import it
by its name, and sent as source to every worker, which loads the same module (grader.sandboxed.probes); its
helpers, modules the suites import by name that run in the grader only; and its pictures module."""

from __future__ import annotations

import functools
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import Course
from grader.sandboxed import probes

if TYPE_CHECKING:
    from grader.tools.plotting import Picture


def install_course_code(course: Course) -> dict | None:
    """Serve COURSE's probes here and make its probes and helpers importable by name; returns what a worker needs
    to load the probes too (None: the course has none)."""
    config = None
    if course.probes is None:
        probes.install(types.ModuleType("probes"))
    else:
        module, config = _probes(course.probes.resolve())
        probes.install(module)
        sys.modules[module.__name__] = module  # the suites import it by its name
    for path in course.helpers:
        helper = _module(path.resolve())
        sys.modules[helper.__name__] = helper
    return config


@functools.cache
def _probes(path: Path) -> tuple[types.ModuleType, dict]:
    """The probes module at PATH, run once per process, and its source for the worker."""
    source = path.read_text(encoding="utf-8")
    module = _loading(path, lambda: probes.load(source, str(path), path.stem))
    return module, {"source": source, "file": path.name, "name": path.stem}


@functools.cache
def _module(path: Path) -> types.ModuleType:
    """The course's module at PATH (a helper, its pictures), run once per process, after the probes, which it may
    import."""

    def load() -> types.ModuleType:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module  # while it runs: its dataclasses look their module up by name
        spec.loader.exec_module(module)
        return module

    return _loading(path, load)


def _loading(path: Path, load: Callable[[], types.ModuleType]) -> types.ModuleType:
    """LOAD()'s module, or a GradingError that names the course's file at PATH and why it failed."""
    try:
        return load()
    except Exception as exc:
        raise GradingError(
            _("the course's module {path} cannot be loaded: {error}").format(
                path=shown(path), error=f"{type(exc).__name__}: {exc}"
            )
        ) from None


def course_pictures(course: Course) -> dict[str, Picture]:
    """The pictures COURSE draws, by name (none when course.yaml names no pictures module)."""
    if course.pictures is None:
        return {}
    install_course_code(course)  # a picture may hand the course's probes to student code
    return dict(_module(course.pictures.resolve()).PICTURES)


def picture(course: Course, name: str) -> Picture:
    """COURSE's picture NAME, or a GradingError that lists the ones there are."""
    pictures = course_pictures(course)
    if name not in pictures:
        raise GradingError(
            _("the course draws no picture {name} (there are: {known})").format(
                name=repr(name), known=", ".join(pictures) or _("none")
            )
        )
    return pictures[name]
