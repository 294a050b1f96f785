"""The one exception family that stops a run. Everything else is a finding (see findings.py)."""

from __future__ import annotations

import errno

__all__ = ["DISK_ERRORS", "OutputError", "PmqaError", "UsageError"]

#: A full disk, a file-size or disk quota, a read-only file system: an output problem, not a bug.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS})


class PmqaError(Exception):
    """Something that stops a command; the CLI prints its message (no traceback) and exits 1.

    The message is English; ``th`` is the same message in Thai, which the terminal prints under
    ``--lang th`` (a message without one is printed in English in either language).
    """

    exit_code = 1

    def __init__(self, message: str = "", *args: object, th: str = "") -> None:
        super().__init__(message, *args)
        self.th = th


class UsageError(PmqaError):
    """The command was asked for something it cannot do (exit code 2)."""

    exit_code = 2


class OutputError(PmqaError):
    """An output file could not be written; nothing half-written is left behind."""
