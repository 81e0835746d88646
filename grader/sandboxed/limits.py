"""The kernel's resource limits on the worker, set by the worker itself before any student code runs.

Lowering a limit needs no privilege and raising it again needs one the worker does not have (it runs as an
unprivileged uid in the sandboxed modes), so no `preexec_fn` is needed and the same code runs where Popen has
none. Platforms without a limit (Windows has no `resource`; macOS refuses RLIMIT_AS, cpython#78783) are named,
and the report says which limits did not apply.
"""

from __future__ import annotations

import contextlib


def apply(limits: dict, own_uid: bool) -> list[str]:
    """Set the limits in LIMITS (course.yaml's `limits`); returns the names of those this platform refused.

    The process limit counts every process of a uid, so it is set only where the worker has a uid of its own.
    """
    try:
        import resource
    except ImportError:
        return ["memory", "cpu", "file size", "processes"]
    memory = int(limits["memory_mb"]) * 2**20
    cpu = int(limits["cpu_seconds"])
    wanted = {
        "memory": (resource.RLIMIT_AS, (memory, memory)),
        "cpu": (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        "file size": (getattr(resource, "RLIMIT_FSIZE", None), (int(limits["disk_mb"]) * 2**20,) * 2),
        "core dumps": (getattr(resource, "RLIMIT_CORE", None), (0, 0)),
    }
    if own_uid:
        wanted["processes"] = (getattr(resource, "RLIMIT_NPROC", None), (int(limits["processes"]),) * 2)
    refused = []
    for name, (which, values) in wanted.items():
        if which is None or not _set(resource, which, values):
            refused.append(name)
    return refused


def _set(resource, which: int, values: tuple[int, int]) -> bool:
    """Set one limit, never above its current hard limit; False where the platform refuses it."""
    with contextlib.suppress(ValueError, OSError):
        hard = resource.getrlimit(which)[1]
        if hard != resource.RLIM_INFINITY:
            values = (min(values[0], hard), min(values[1], hard))
        resource.setrlimit(which, values)
        return True
    return False
