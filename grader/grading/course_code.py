"""The course's own code on the trusted side: its probes module, loaded once before the suites that import it
by its name, and sent as source to every worker, which loads the same module (grader.sandboxed.probes)."""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import Course
from grader.sandboxed import probes


def install_probes(course: Course) -> dict | None:
    """Serve COURSE's probes here, and return what a worker needs to load them too (None: the course has none)."""
    if course.probes is None:
        probes.install(types.ModuleType("probes"))
        return None
    module, config = _loaded(course.probes.resolve())
    probes.install(module)
    sys.modules[module.__name__] = module  # the suites import it by its name
    return config


@functools.cache
def _loaded(path: Path) -> tuple[types.ModuleType, dict]:
    """The probes module at PATH, run once per process, and its source for the worker."""
    source = path.read_text(encoding="utf-8")
    try:
        module = probes.load(source, str(path), path.stem)
    except Exception as exc:
        raise GradingError(
            _("the course's probes {path} cannot be loaded: {error}").format(
                path=shown(path), error=f"{type(exc).__name__}: {exc}"
            )
        ) from None
    return module, {"source": source, "file": path.name, "name": path.stem}
