"""File names made from what offices typed: safe on Windows and Linux, unique, and stable.

An office code is typed by people (``P.002``, ``สพป.ชม.1``, ``P/002``); a file name must be valid
on both systems, never replace another office's file, and be the same name in every run for the
same office, whatever other offices are in the batch. The rules (docs/security.md):

- every letter, mark and digit is kept, Thai vowel and tone marks included; ``-`` and ``_`` too;
  anything else (``/ \\ : * ? " < > |``, dots, spaces, control characters) becomes ``_``;
- Windows' reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, in any case) get ``_``;
- the name with its extension fits in 255 bytes of UTF-8 (the limit of Linux file systems; it is
  also within Windows' 255 characters), cut between characters, never between a Thai letter and
  its marks;
- a code that is already a good name is the name (``P001.xlsx``); a code that had to be changed
  gets a short fingerprint of itself (so ``P.002``, ``P/002`` and ``P_002`` stay three files,
  whichever of them are in the batch); an office without a usable code, or two files carrying
  one code, add the file's own name (``unknown-second.xlsx``); a name still shared ignoring case
  (as Windows compares names), or too long, gets a fingerprint of its code and file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.core.hashing import sha256_bytes

__all__ = ["MAX_NAME_BYTES", "NamedFile", "feedback_file_names", "safe_stem", "unique_names"]

MAX_NAME_BYTES = 255
_RESERVED = re.compile(r"(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])", re.IGNORECASE)
_FINGERPRINT = 8  # hex digits of SHA-256 that tell two codes apart


def _allowed(char: str) -> bool:
    return char in "-_" or unicodedata.category(char)[0] in "LMN"


def safe_stem(text: str) -> str:
    """``text`` as the stem of a file name on any system (see the module's rules), or "" when
    nothing of it can be kept."""
    text = unicodedata.normalize("NFC", text.strip())
    stem = re.sub(r"_+", "_", "".join(c if _allowed(c) else "_" for c in text)).strip("_")
    if _RESERVED.fullmatch(stem):
        stem += "_"
    return stem


def _cut(stem: str, limit: int) -> str:
    """The longest start of ``stem`` within ``limit`` bytes of UTF-8 that does not part a
    letter from its marks (a Thai vowel or tone mark is never left out alone)."""
    out = stem
    while out and len(out.encode("utf-8")) > limit:
        out = out[:-1]
    while out and len(out) < len(stem) and unicodedata.category(stem[len(out)])[0] == "M":
        out = out[:-1]
    return out


def _fingerprint(*parts: str) -> str:
    return sha256_bytes("\0".join(parts).encode("utf-8"))[:_FINGERPRINT]


@dataclass(frozen=True)
class NamedFile:
    """What a file is named after: the office code, and the submission it came from (which
    tells apart two files that carry one code)."""

    code: str
    source: str


def unique_names(files: Sequence[NamedFile], suffix: str, fallback: str = "unknown") -> list[str]:
    """A file name for each of ``files`` (in order), safe, unique ignoring case, and stable: an
    office's name depends on its own code and file, never on the other offices of the run."""
    codes = Counter(f.code for f in files)
    first: list[tuple[str, str]] = []  # (stem, mark) before any clash is looked at
    for file in files:
        typed = unicodedata.normalize("NFC", file.code.strip())
        stem = safe_stem(file.code)
        if not stem or codes[file.code] > 1:
            # No usable code, or two files carry one: the file's own name tells them apart.
            mark = "-" + (safe_stem(PurePath(file.source).stem) or _fingerprint(file.source))
        elif stem != typed:
            # The code was changed to be a name: P.002, P/002 and P_002 must not meet.
            mark = "-" + _fingerprint(file.code)
        else:
            mark = ""
        first.append((stem or fallback, mark))
    clash = Counter(f"{stem}{mark}".casefold() for stem, mark in first)
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    names: list[str] = []
    for file, (stem, mark) in zip(files, first, strict=True):
        if clash[f"{stem}{mark}".casefold()] > 1 or len(f"{stem}{mark}".encode()) > budget:
            # Still the same name as another's (ignoring case), or too long to be a name: a
            # fingerprint of the code and its file, which no other office shares.
            mark = "-" + _fingerprint(file.code, file.source)
        names.append(f"{_cut(stem, budget - len(mark.encode('utf-8')))}{mark}{suffix}")
    return names


def feedback_file_names(offices: Sequence[ScoredOffice]) -> list[str]:
    """Each office's feedback workbook name: its code made safe, unique and stable."""
    return unique_names([NamedFile(o.office.code, o.path) for o in offices], ".xlsx")
