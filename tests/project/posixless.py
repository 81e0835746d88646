"""Takes the POSIX-only parts out of this Python, so that a test on Linux finds what would break on Windows.

Loaded by a `.pth` file in the site-packages of a throw-away virtual environment (see test_portable.py), so
it runs at the start-up of every interpreter started from there, also with `-I`. Afterwards:
- `resource`, `fcntl`, `termios`, `pty` and `tty` cannot be imported;
- the grader's code finds in `os` no fork, killpg, setsid, process groups, uids or wait3/4, and in `signal`
  only the signals Windows has (no SIGKILL, SIGALRM, SIGXCPU …) and no alarm or itimer;
- `select.select`, `select.poll` and `selectors` refuse anything but sockets; epoll, kqueue and devpoll are gone;
- `subprocess.Popen` refuses preexec_fn and pass_fds; its kill() still ends the process (SIGKILL, sent by the
  standard library), as TerminateProcess does on Windows;
- `ctypes.CDLL(None)` (the process's own C library, e.g. for prctl) is refused.
The names in `os` and `signal` are hidden from the grader's modules only (and from `python -c`): the standard
library and other packages decide by sys.platform, which still says linux, and take their POSIX branch, as
they take their Windows branch on Windows. Likewise subprocess's own communicate() still polls its pipes (on
Windows it uses threads). So a failure points at the grader, not at the harness.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import os
import select
import selectors
import signal
import site
import stat
import subprocess
import sys
import types

OURS = ("grader", "__main__")  # the modules that see the Windows-like view
BLOCKED_MODULES = ("resource", "fcntl", "termios", "pty", "tty")
WINDOWS_SIGNALS = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK"}
HIDDEN = {
    "os": {
        "fork", "forkpty", "killpg", "setsid", "getsid", "setpgrp", "getpgrp", "setpgid", "getpgid",
        "geteuid", "getuid", "getegid", "getgid", "getgroups", "setuid", "seteuid", "setgid", "setegid",
        "wait", "wait3", "wait4", "WNOHANG",
    },
    "signal": {
        "alarm", "setitimer", "getitimer", "pause", "pthread_kill", "pthread_sigmask", "sigpending", "sigwait",
        "sigwaitinfo", "sigtimedwait", "siginterrupt", "pidfd_send_signal", "SIG_BLOCK", "SIG_UNBLOCK",
        "SIG_SETMASK", "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF",
        *(n for n in dir(signal) if n.startswith("SIG") and not n.startswith("SIG_") and n not in WINDOWS_SIGNALS),
    },
}  # fmt: skip


def _asked_by_us() -> bool:
    """True when the code asking (two frames up: past __getattribute__) is the grader's, not a library's."""
    return sys._getframe(2).f_globals.get("__name__", "").partition(".")[0] in OURS


class _WindowsView(types.ModuleType):
    """A module whose POSIX-only names the grader's code cannot see."""

    def __getattribute__(self, name: str):
        module = types.ModuleType.__getattribute__(self, "__name__")
        if name in HIDDEN[module] and _asked_by_us():
            raise AttributeError(f"module {module!r} has no attribute {name!r} (not on Windows)")
        return types.ModuleType.__getattribute__(self, name)


class _Unimportable(importlib.abc.MetaPathFinder):
    """Finds the blocked modules first and says they do not exist, as Windows' Python does."""

    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED_MODULES:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _is_socket(item) -> bool:
    fd = item if isinstance(item, int) else item.fileno()
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def _refuse_unless_sockets(items, what: str) -> None:
    for item in items:
        if not _is_socket(item):
            raise OSError(10038, f"{what}: an operation was attempted on something that is not a socket ({item!r})")


def _inside_subprocess_communicate() -> bool:
    """True when the standard library's Popen.communicate asks: on Windows it uses threads instead."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is subprocess.Popen._communicate.__code__:
            return True
        frame = frame.f_back
    return False


def _strip_modules() -> None:
    sys.meta_path.insert(0, _Unimportable())
    for name in BLOCKED_MODULES:
        sys.modules.pop(name, None)
    os.__class__ = signal.__class__ = _WindowsView


def _strip_select() -> None:
    real_select, real_poll = select.select, select.poll

    def select_sockets(rlist, wlist, xlist, timeout=None):
        _refuse_unless_sockets([*rlist, *wlist, *xlist], "select")
        return real_select(rlist, wlist, xlist, timeout)

    class PollSockets:
        def __init__(self) -> None:
            self._poll, self._trusted = real_poll(), _inside_subprocess_communicate()

        def register(self, fd, eventmask=select.POLLIN | select.POLLPRI | select.POLLOUT):
            if not self._trusted:
                _refuse_unless_sockets([fd], "poll")
            return self._poll.register(fd, eventmask)

        def __getattr__(self, name):
            return getattr(self._poll, name)

    select.select, select.poll = select_sockets, PollSockets
    selectors.SelectSelector._select = staticmethod(select_sockets)
    selectors.PollSelector._selector_cls = PollSockets
    selectors.DefaultSelector = selectors.SelectSelector
    gone = {select: ("epoll", "kqueue", "devpoll"), selectors: ("EpollSelector", "KqueueSelector", "DevpollSelector")}
    for module, names in gone.items():
        for name in names:
            if hasattr(module, name):
                delattr(module, name)


def _strip_popen() -> None:
    real_init = subprocess.Popen.__init__

    def init(self, *args, preexec_fn=None, pass_fds=(), **kwargs):
        if preexec_fn is not None:
            raise ValueError("preexec_fn is not supported on Windows platforms")
        if pass_fds:
            raise ValueError("pass_fds is not supported on Windows platforms")
        real_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = init


def _strip_ctypes() -> None:
    real_init = ctypes.CDLL.__init__

    def init(self, name, *args, **kwargs):
        if name is None:
            raise TypeError("ctypes.CDLL(None): there is no process-wide C library on Windows")
        real_init(self, name, *args, **kwargs)

    ctypes.CDLL.__init__ = init


def add_sites(paths: list[str]) -> None:
    """Make the packages of PATHS importable, their .pth files included (the grader's editable install)."""
    for path in paths:
        site.addsitedir(path)


_strip_modules()
_strip_select()
_strip_popen()
_strip_ctypes()
