"""Deadlines that hold whatever the grader is doing when they pass.

A `Watchdog` thread calls a function (kill the worker) when a deadline passes: every blocking read or write on
the worker's pipes then ends, on every platform, whether the worker sent half a frame, drips a byte a second or
never reads. `overrun_after` bounds the grader's own work that student input causes (a served reference
dependency, the reference run of a hidden suite): on POSIX, in the main thread, a timer signal raises `Overrun`
in the middle of it. Elsewhere (Windows, threads) that work is bounded only by the size checks on its inputs.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator


class Overrun(Exception):
    """The grader's own work for a test ran past the test's deadline."""


class Watchdog:
    """One thread that calls the armed function once the armed deadline (time.monotonic) has passed."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._deadline: float | None = None
        self._action: Callable[[], None] | None = None
        self.fired = False
        self._closed = False
        threading.Thread(target=self._run, daemon=True, name="grade-watchdog").start()

    def arm(self, deadline: float, action: Callable[[], None]) -> None:
        with self._wake:
            self._deadline, self._action, self.fired = deadline, action, False
            self._wake.notify()

    def disarm(self) -> None:
        with self._wake:
            self._deadline, self._action = None, None

    def close(self) -> None:
        """End the thread."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while not self._closed:
                if self._deadline is None:
                    self._wake.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                action, self._deadline, self._action, self.fired = self._action, None, None, True
                if action is not None:
                    action()


def can_interrupt() -> bool:
    """True where a timer signal can interrupt the grader's own code: POSIX, in the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def overrun_after(seconds: float) -> Iterator[None]:
    """Raise Overrun in this block once SECONDS have passed (POSIX main thread; elsewhere a no-op).

    Nested blocks keep the earlier of the two deadlines, and the outer one is restored on leaving.
    """
    if not can_interrupt():
        yield
        return
    outer_handler = signal.getsignal(signal.SIGALRM)
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.monotonic()
    left = min(seconds, outer_left) if outer_left > 0 else seconds

    def interrupt(_signum, _frame) -> None:
        raise Overrun

    signal.signal(signal.SIGALRM, interrupt if outer_left <= 0 or seconds < outer_left else outer_handler)
    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-3))
