"""The edge of every command: what stops a run becomes a message and an exit code.

A :class:`~pmqa_cli.core.errors.PmqaError` exits with its own code (1, or 2 for usage); a full
disk is an output problem; anything else is an internal error, with a traceback only under
``--debug`` (or PMQA_DEBUG). A reader that stops reading (``pmqa score FILE --json | head -1``)
is no error: pmqa stops quietly with 141 (128 + SIGPIPE, as a shell's own tools do).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from pmqa_cli.cli.lang import tr
from pmqa_cli.core.errors import DISK_ERRORS, PmqaError

__all__ = ["CLOSED_PIPE_EXIT", "edge", "set_debug"]

#: The exit code when the reader of pmqa's output closed it early: 128 + SIGPIPE (13), as
#: `yes | head -1` gives for `yes`, on every system (Windows has no SIGPIPE to look up).
CLOSED_PIPE_EXIT = 141

_state = {"debug": bool(os.environ.get("PMQA_DEBUG"))}

F = TypeVar("F", bound=Callable[..., Any])


def set_debug(debug: bool) -> None:
    """Show full tracebacks for unexpected errors (--debug, or PMQA_DEBUG in the environment)."""
    _state["debug"] = debug or bool(os.environ.get("PMQA_DEBUG"))


def edge(func: F) -> F:
    """Turn what stops a run into a message and an exit code; a traceback only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            finally:
                _flush_stdout()  # a reader gone shows here, not as Python's noise at exit
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(CLOSED_PIPE_EXIT) from None
        except PmqaError as exc:
            if _state["debug"]:
                raise
            _error(tr(exc.th or str(exc), str(exc)))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as stop:
            # Ctrl+C, or SIGTERM / SIGHUP (core/portable.py: Stopped): every staged output and
            # temporary file was removed on the way out, and the workers were stopped.
            signum = getattr(stop, "signum", 2)
            name = getattr(stop, "name", "Ctrl+C")
            _error(tr(
                f"หยุดแล้ว ({name}) ไม่ได้เขียนผลใด ๆ ผลลัพธ์เดิมยังอยู่ครบ และไม่มีไฟล์ชั่วคราวค้างอยู่",
                f"Stopped ({name}). Nothing was written: the previous outputs are as they were, "
                "and no temporary file was left behind.",
            ))  # fmt: skip
            raise typer.Exit(128 + signum) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            if isinstance(exc, OSError) and exc.errno in DISK_ERRORS:
                _error(tr(
                    f"เขียนผลลัพธ์ของ pmqa ไม่ได้: {exc.strerror or exc} เพิ่มพื้นที่ว่าง (ทั้งโฟลเดอร์ผลลัพธ์"
                    "และโฟลเดอร์ชั่วคราว) หรือเลือกโฟลเดอร์อื่น ไม่มีไฟล์ที่เขียนค้างครึ่งทาง "
                    "และไฟล์ที่ส่งมาไม่ถูกแก้ไข",
                    f"Cannot write pmqa's outputs: {exc.strerror or exc}. Free some space (the "
                    "output folder and the temporary folder both need room) or choose another "
                    "folder; nothing half-written was left and the submissions are untouched.",
                ))  # fmt: skip
                raise typer.Exit(1) from None
            _error(tr(
                f"pmqa หยุดเพราะข้อผิดพลาดภายใน ({type(exc).__name__}: {exc}) "
                "เรียกคำสั่งเดิมอีกครั้งพร้อม --debug เพื่อดูรายละเอียด แล้วแจ้งผู้ดูแล",
                f"pmqa stopped on an internal error ({type(exc).__name__}: {exc}). "
                "Run the same command with --debug for the details, and report it.",
            ))  # fmt: skip
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _error(message: str) -> None:
    """Show what stopped the run. rich and the rubric model are heavy: imported only when there
    is something to show, so a command's own first steps (``pmqa batch`` starts its map-drawing
    process) are not kept waiting for them."""
    from pmqa_cli.cli import render  # heavy: rich and the rubric model, only for an error

    render.error(message)


def _flush_stdout() -> None:
    stream = sys.stdout
    if stream is not None and not stream.closed:
        stream.flush()


def _quiet_stdout() -> None:
    """The reader of stdout is gone: send what is still buffered, and anything written later,
    to the null device, so the interpreter's last flush raises nothing (the Python docs'
    recipe for SIGPIPE, signal module)."""
    try:
        handle = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's captured output): nothing to quiet
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, handle)
    finally:
        os.close(devnull)
