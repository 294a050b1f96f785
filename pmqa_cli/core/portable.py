"""What the operating system offers, found by feature detection, never by platform name.

pmqa runs where its users are: Windows laptops with Excel, as well as Linux and macOS. Every
POSIX-only call goes through this module with a fallback:

- worker processes start with ``fork`` where ``os.fork`` exists, else ``spawn`` (Windows);
- a batch's per-file time limit is kept by the parent (a deadline, then terminate), never by
  ``SIGALRM``, so it works everywhere;
- a worker's memory cap uses ``resource.RLIMIT_AS`` where the ``resource`` module exists; Windows
  has no such call, and there a worker runs without a cap (docs/security.md);
- output permissions use ``os.fchmod`` where it exists, else ``os.chmod`` on the path;
- a batch's scratch file of offices is read at an offset with ``os.pread`` where it exists (a
  forked worker shares the file's position with its parent), else by seek and read under a lock
  (assess/kept.py);
- a full file-size limit (``RLIMIT_FSIZE``) raises an error instead of killing pmqa (``SIGXFSZ``
  is ignored where it exists);
- a worker process stops when its parent is gone (killed outright, ``kill -9``): a thread
  watches the parent, by ``os.getppid()`` (which changes when a POSIX parent dies) and by asking
  whether the parent's process is alive (Windows keeps the old number), so no worker is left
  running, orphaned; no ``prctl`` or other call only one system has;
- the console may not encode Thai (a redirected Windows console uses the ANSI code page, cp1252
  or cp874): text degrades to ``?`` rather than crash, and JSON is written as ASCII escapes.

``PMQA_SIMULATE_WINDOWS=1`` removes what Windows lacks from every pmqa process (``os.fork``,
``os.fchmod``, ``os.pread``, ``SIGALRM``, ``setitimer``, ``SIGXFSZ``, the ``resource`` module), so
the tests can prove the fallbacks on Linux: ``pytest --simulate-windows`` (run by ./check).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, TextIO

__all__ = [
    "SIMULATE_ENV",
    "STOP_SIGNALS",
    "Stopped",
    "can_encode",
    "check_stop",
    "exit_with_parent",
    "ignore_file_size_signal",
    "limit_memory",
    "make_streams_safe",
    "process_alive",
    "set_mode",
    "simulate_windows",
    "simulating_windows",
    "start_method",
    "stop_on_signals",
]

SIMULATE_ENV = "PMQA_SIMULATE_WINDOWS"
_REMOVED_OS = ("fork", "forkpty", "fchmod", "pread")
_REMOVED_SIGNAL = ("SIGALRM", "setitimer", "getitimer", "alarm", "SIGXFSZ", "ITIMER_REAL")
_THAI_PROBE = "ภาษาไทย"


def simulating_windows() -> bool:
    """Whether ``PMQA_SIMULATE_WINDOWS=1`` asks this process to behave as on Windows."""
    return os.environ.get(SIMULATE_ENV, "").strip() == "1"


def simulate_windows() -> None:
    """Remove from this process what Windows does not have (for tests; see the module doc).

    Child processes inherit the environment variable and do the same when they import pmqa.
    """
    os.environ[SIMULATE_ENV] = "1"
    for name in _REMOVED_OS:
        with contextlib.suppress(AttributeError):
            delattr(os, name)
    for name in _REMOVED_SIGNAL:
        with contextlib.suppress(AttributeError):
            delattr(signal, name)
    sys.modules["resource"] = None  # type: ignore[assignment]  # import resource: ImportError


def start_method() -> str:
    """``fork`` where the OS has it (workers start in milliseconds), else ``spawn``."""
    if hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def limit_memory(megabytes: int) -> bool:
    """Cap this process's address space; False where the OS offers no such limit."""
    if megabytes <= 0:
        return False
    try:
        import resource  # POSIX only: feature detection, absent on Windows
    except ImportError:
        return False
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # pragma: no cover - a hard limit already lower
        return False
    return True


def set_mode(fd: int, path: str, mode: int) -> None:
    """Set a new file's permission bits (``fchmod`` where it exists, else by path)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(path, mode)  # noqa: PTH101 - Windows: only the read-only bit is used


def ignore_file_size_signal() -> None:
    """Let a write past ``RLIMIT_FSIZE`` fail with an error pmqa reports, not kill pmqa."""
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def can_encode(stream: Any, text: str = _THAI_PROBE) -> bool:
    """Whether ``stream`` can write ``text`` (Thai by default) without an encoding error."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def make_streams_safe(*streams: TextIO) -> None:
    """Make text streams that cannot encode Thai replace it with ``?`` instead of raising."""
    for stream in streams or (sys.stdout, sys.stderr):
        if stream is None or can_encode(stream):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is still running (a stale lock's owner is not).

    POSIX asks with signal 0; where ``os.kill`` would send a real signal instead (Windows sends
    CTRL_C_EVENT for 0), the Win32 API is asked, found by feature detection.
    """
    if pid <= 0:
        return False
    if hasattr(os, "getpgid"):  # POSIX: signal 0 tests for the process without touching it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another user's process: alive
        except OSError:  # pragma: no cover - any other answer: treat the lock as held
            return True
        return True
    return _win32_process_alive(pid)  # pragma: no cover - exercised on Windows only


def exit_with_parent(every: float = 0.5) -> None:
    """Make this (worker) process end itself within ``every`` seconds of its parent's death.

    A parent that stops normally stops its workers; one killed outright (``kill -9``, the
    out-of-memory killer) cannot, and a worker blocked on its pipe or busy with a file would
    otherwise run on. A daemon thread looks at the parent: on POSIX a dead parent's children
    are handed to another process (``os.getppid()`` changes); on Windows the number stays, so
    the parent's process itself is asked after (:func:`process_alive`).

    The parent is the process that started this one, as multiprocessing recorded it before the
    start, not whatever ``os.getppid()`` says once this runs: a parent killed while its worker
    was still starting has handed the worker on already, and a worker that took the new parent
    for its own would wait on its pipe for ever.
    """
    getppid = getattr(os, "getppid", None)
    if getppid is None:  # pragma: no cover - every supported system has it
        return
    creator = multiprocessing.parent_process()
    parent = creator.pid if creator is not None and creator.pid is not None else getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            if getppid() != parent or not process_alive(parent):
                os._exit(1)  # nothing to tidy: the parent's staging folder is abandoned whole

    threading.Thread(target=watch, name="pmqa-parent-watch", daemon=True).start()


def _win32_process_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes  # only where there is no POSIX process API

    kernel32 = getattr(ctypes, "windll", None)
    if kernel32 is None:
        return True  # cannot tell: the lock is treated as held
    query, still_active = 0x1000, 259  # PROCESS_QUERY_LIMITED_INFORMATION, STILL_ACTIVE
    handle = kernel32.kernel32.OpenProcess(query, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.kernel32.CloseHandle(handle)


#: The signals that ask pmqa to stop, where the OS has them: ``kill`` and ``timeout`` send
#: SIGTERM, a closed terminal SIGHUP; Ctrl+C is SIGINT (KeyboardInterrupt) everywhere.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(KeyboardInterrupt):
    """pmqa was asked to stop by a signal: unwinds like Ctrl+C, so every ``finally`` and
    ``with`` runs (workers stopped, staged outputs and temporary files removed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


_MAIN_PID = os.getpid()
_asked: int | None = None  # the signal that asked this process to stop, once one has


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    global _asked
    if os.getpid() != _MAIN_PID:
        if signum == signal.SIGINT:  # as Python's own handler: the worker decides
            signal.default_int_handler(signum, frame)
        # A worker forked from pmqa inherits this handler; it stops as a worker should, at
        # once and quietly (its parent is the one that reports and cleans up).
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _asked = signum
    raise _stop(signum)


def _stop(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum)


def check_stop() -> None:
    """Raise the stop again if one was asked for: Python only prints an exception raised where
    it cannot be passed on (a signal handled while it runs a fork hook such as logging's, a
    finaliser or a callback), and the run would otherwise go on and commit its outputs. Called
    where a run can stop cleanly (its loops, before its outputs are committed)."""
    if _asked is not None:
        raise _stop(_asked)


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` in this (main) thread, so that pmqa stops
    the way Ctrl+C stops it instead of vanishing with its workers and temporary files; Ctrl+C
    (SIGINT) stays a KeyboardInterrupt. Each stop is remembered for :func:`check_stop`."""
    global _MAIN_PID, _asked
    _MAIN_PID = os.getpid()
    _asked = None
    for signum in (*STOP_SIGNALS, signal.SIGINT):
        with contextlib.suppress(ValueError, OSError):  # not the main thread: leave as it is
            signal.signal(signum, _raise_stopped)
