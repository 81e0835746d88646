"""`grade watch`: re-check an exercise each time its module is saved, rustlings-style.

Saves are found by polling each module's modification time, size and inode a few times a second: for the
handful of files of a course that costs microseconds, needs no dependency in a student's install, and also
sees saves that file-system events miss (an editor on the host writing into a container's, WSL's or a network
mount; editors that save by renaming a new file over the old one).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import mark, shown
from grader.model.course import Course, Exercise

POLL_SECONDS = 0.3

Stamps = dict[Path, tuple[int, int, int]]


def stamps(paths: list[Path]) -> Stamps:
    """Each existing file's modification time, size and inode: any save changes at least one of them."""
    found: Stamps = {}
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            continue  # between an editor's delete and its rename, or deleted: seen again once it is back
        found[path] = (status.st_mtime_ns, status.st_size, status.st_ino)
    return found


class Watcher:
    """The exercise modules at TARGET (a directory of them, or one module) and what they looked like last."""

    def __init__(self, course: Course, target: Path) -> None:
        self.by_module = {e.module: e for e in course.exercises}
        if target.is_file():
            if target.suffix != ".py" or target.stem not in self.by_module:
                raise GradingError(
                    _("{path} is not the module of an exercise (the modules are: {modules})").format(
                        path=shown(target), modules=", ".join(f"{m}.py" for m in self.by_module)
                    )
                )
            self.paths, self.directory = [target], target.parent
        elif target.is_dir():
            self.paths, self.directory = [target / f"{m}.py" for m in self.by_module], target
        else:
            raise GradingError(_("{path} does not exist").format(path=shown(target)))
        self.last = stamps(self.paths)

    def wait(self) -> Exercise:
        """Block until a module is saved and has stayed put for one poll (editors write in steps); return its
        exercise, the most recently changed one when several were saved at once."""
        while True:
            time.sleep(POLL_SECONDS)
            now = stamps(self.paths)
            changed = [p for p in now if now[p] != self.last.get(p)]
            if not changed:
                continue
            while True:  # let the save finish
                time.sleep(POLL_SECONDS)
                settled = stamps(self.paths)
                if settled == now:
                    break
                now = settled
            self.last = now
            changed = [p for p in changed if p in now]
            if changed:
                return self.by_module[max(changed, key=lambda p: now[p][0]).stem]


def grade(course: Course, *args: str) -> bool:
    """Run `grade ARGS` on the course in a fresh process, its output straight to our terminal; True on exit 0.

    A fresh process reads the modules as saved, and Ctrl+C stops it with us."""
    command = [sys.executable, "-m", "grader", *args, "--course", str(course.root), "--lang", i18n.current()]
    return subprocess.run(command, check=False).returncode == 0


def watch(course: Course, target: Path, seed: int, echo: Callable[..., None], clear: Callable[[], None]) -> None:
    """Watch TARGET until Ctrl+C: on each save, clear the screen and check that module's exercise; when it passes,
    show the progress through the course and the exercise to do next (`grade list`)."""
    watcher = Watcher(course, target)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C stops us even if started with it ignored
    directory, seed_option = str(watcher.directory), f"--seed={seed}"
    waiting = _("Watching {path}: save an exercise module to check it; Ctrl+C stops.").format(path=shown(target))
    try:
        grade(course, "list", directory, seed_option)
        echo(waiting)
        while True:
            exercise = watcher.wait()
            clear()
            if grade(course, "check", directory, "-e", exercise.id, seed_option):
                echo(f"{mark('passed')} " + _("{id} passes its tests.").format(id=exercise.id))
                grade(course, "list", directory, seed_option)
            echo(waiting)
    except KeyboardInterrupt:
        echo(_("Stopped watching."))
