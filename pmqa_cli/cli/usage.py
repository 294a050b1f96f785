"""Usage errors (an unknown option, a missing argument, a value of the wrong kind) in the
terminal's language.

typer (click) words them in English. pmqa's command classes catch them where they are raised
(parsing a command line, finding a command) and raise :class:`LanguageUsageError` instead: the
same error, exit code 2, shown in Thai under ``--lang th`` (built from what the error carries:
the option, the parameter and its type, never a translation of click's English), and exactly as
click shows it under ``--lang en``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import typer

from pmqa_cli.cli.lang import current

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - a typer that uses click itself
    from click import exceptions as click  # type: ignore[no-redef,import-not-found,unused-ignore]

UsageError = click.UsageError  # what typer raises for a command line it cannot use

__all__ = ["LanguageUsageError", "UsageError", "in_language", "thai_message"]


def _hint(error: click.BadParameter) -> str:
    """The parameter as the user typed it: --jobs, 'FILE.xlsx'."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        return " / ".join(str(h) for h in hint)
    return str(hint or "")


def _expected(param: Any) -> str:
    """What a parameter takes, in Thai, from its type and range."""
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if kind is bool:
        return "ต้องเป็นใช่หรือไม่ใช่"
    if kind is int or kind is float:
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        number = "จำนวนเต็ม" if kind is int else "ตัวเลข"
        if low is not None and high is not None:
            return f"ต้องเป็น{number}ตั้งแต่ {low} ถึง {high}"
        if low is not None:
            return f"ต้องเป็น{number}ตั้งแต่ {low} ขึ้นไป"
        if high is not None:
            return f"ต้องเป็น{number}ไม่เกิน {high}"
        return f"ต้องเป็น{number}"
    if kind is Path:
        return "ต้องเป็นไฟล์หรือโฟลเดอร์ที่มีอยู่และเปิดได้"
    return "ใช้ค่านี้ไม่ได้"


#: What click says of a path it refuses (its Path type), in Thai.
_PATH_PROBLEM = re.compile(
    r"'(?P<path>.*)' (?P<what>does not exist|is a file|is a directory|is not readable"
    r"|is not writable)"
)
_PATH_TH = {
    "does not exist": "ไม่มีอยู่",
    "is a file": "เป็นไฟล์ ต้องระบุโฟลเดอร์",
    "is a directory": "เป็นโฟลเดอร์ ต้องระบุไฟล์",
    "is not readable": "เปิดอ่านไม่ได้",
    "is not writable": "เขียนไม่ได้",
}


def thai_message(error: click.UsageError) -> str:
    """The error's message in Thai."""
    if isinstance(error, click.NoSuchOption):
        text = f"ไม่มีตัวเลือก {error.option_name}"
        if error.possibilities:
            text += f" (ตัวเลือกที่ใกล้เคียง: {', '.join(sorted(error.possibilities))})"
        return text
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or getattr(error.param, "param_type_name", "")
        what = "อาร์กิวเมนต์" if kind == "argument" else "ตัวเลือก"
        return f"ยังไม่ได้ระบุ{what} {_hint(error)}"
    if isinstance(error, click.BadParameter):
        if found := _PATH_PROBLEM.search(error.message):  # say which path and what is wrong
            return f"ค่าของ {_hint(error)} ไม่ถูกต้อง: '{found['path']}' {_PATH_TH[found['what']]}"
        return f"ค่าของ {_hint(error)} ไม่ถูกต้อง: {_expected(error.param)}"
    if isinstance(error, click.BadOptionUsage):
        return f"ตัวเลือก {error.option_name} ต้องมีค่าตามหลัง หรือใช้ไม่ถูกวิธี"
    if error.message.startswith("Got unexpected extra argument"):
        extra = error.message.rsplit("(", 1)[-1].rstrip(")")
        return f"มีอาร์กิวเมนต์เกินมา: {extra}"
    if error.message.startswith("No such command"):
        name, _, meant = error.message.split(" ", 3)[-1].partition(". Did you mean ")
        return f"ไม่มีคำสั่ง {name.rstrip('.')}" + (f" หรือหมายถึง {meant.rstrip('?')}" if meant else "")
    return "คำสั่งนี้ใช้ไม่ถูกวิธี"


#: The words of a usage line that are click's, not pmqa's (its metavars: PATH, FILE.xlsx).
_USAGE_WORDS = {"[OPTIONS]": "[ตัวเลือก]", "COMMAND": "คำสั่ง", "[ARGS]": "[อาร์กิวเมนต์]"}


class LanguageUsageError(click.UsageError):
    """A usage error shown in the terminal's language (exit code 2)."""

    def __init__(self, original: click.UsageError, th: str | None = None) -> None:
        """``th``: the Thai message, where pmqa words the error itself."""
        super().__init__(original.format_message(), original.ctx)
        self.original = original
        self.th = th

    def _thai(self) -> bool:
        # An error before pmqa's options are applied (an unknown command) still follows the
        # --lang already read from the command line.
        given = self.ctx.find_root().params.get("lang") if self.ctx is not None else None
        if isinstance(given, str) and given.strip().lower() in ("th", "en"):
            return given.strip().lower() == "th"
        return current() == "th"

    def format_message(self) -> str:
        if self._thai():
            return self.th or thai_message(self.original)
        return self.original.format_message()

    def show(self, file: IO[Any] | None = None) -> None:
        if not self._thai():
            self.original.show(file)
            return
        lines = []
        if self.ctx is not None:
            usage = self.ctx.get_usage().removeprefix("Usage: ")
            for word, thai in _USAGE_WORDS.items():
                usage = usage.replace(word, thai)
            lines.append(f"วิธีใช้: {usage}")
            if self.ctx.command.get_help_option(self.ctx) is not None:
                lines.append(f"ดูวิธีใช้ทั้งหมด: {self.ctx.command_path} --help")
            lines.append("")
        lines.append(f"ข้อผิดพลาด: {self.format_message()}")
        typer.echo("\n".join(lines), file=file, err=file is None)


def in_language(error: click.UsageError) -> click.UsageError:
    """``error`` as pmqa shows it: in the terminal's language (one already so, and the request
    for help that a command given nothing raises, as they are)."""
    if isinstance(error, (LanguageUsageError, click.NoArgsIsHelpError)):
        return error
    return LanguageUsageError(error)
