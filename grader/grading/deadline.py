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
from dataclasses import dataclass


class Overrun(Exception):
    """The grader's own work for a test ran past the test's deadline."""


@dataclass(eq=False)
class Alarm:
    """One armed deadline (time.monotonic) and what to do when it passes; `fired` says whether it did."""

    deadline: float
    action: Callable[[], None]
    fired: bool = False


class Watchdog:
    """One thread that runs the armed alarm's action once its deadline has passed.

    Arming is a plain assignment, with no lock and no wake-up: calls are many and short, so the thread looks
    every POLL seconds instead (an alarm fires at most that late), and the grader never waits for it.
    """

    POLL = 0.02

    def __init__(self) -> None:
        self._alarm: Alarm | None = None
        self._closed = False
        threading.Thread(target=self._run, daemon=True, name="grade-watchdog").start()

    def arm(self, deadline: float, action: Callable[[], None]) -> Alarm:
        self._alarm = alarm = Alarm(deadline, action)
        return alarm

    def disarm(self) -> None:
        self._alarm = None

    def close(self) -> None:
        """End the thread (within POLL seconds)."""
        self._closed = True

    def _run(self) -> None:
        while not self._closed:
            alarm = self._alarm
            if alarm is not None and not alarm.fired and time.monotonic() >= alarm.deadline:
                alarm.fired = True
                alarm.action()
            time.sleep(self.POLL)


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
