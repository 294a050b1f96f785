"""Thai text in a terminal: wrapped only between words, never inside a grapheme cluster.

Thai is written without spaces between words, and a terminal wrapper that folds a long run of
Thai letters at the column edge cuts words mid-syllable ("ตัว/ชี้วั/ด") and can leave a vowel or
tone mark at the start of a line with no consonant to sit on. Thai writers put a space between
phrases, so pmqa wraps only at spaces: a run of text without a space is never broken while it
fits the width. Only a run wider than the whole column (a long title, a long file path, or a
terminal too narrow for any run) is broken: between Thai words where the system's Thai word
breaker, libthai (what LibreOffice and GTK break Thai lines with), is found, and otherwise, or
inside a word wider than the column, at a grapheme-cluster boundary, so a mark always stays with
its consonant. Headings are cut to one line at a cluster boundary with "…".

The layouts in :mod:`pmqa_cli.cli.render` give text columns at least the width of their longest
run at 80 columns and wider, so there a Thai word is never broken (tests/test_thai_terminal.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

__all__ = ["ThaiText", "clusters", "thai_words", "truncate", "wrap_offsets"]

_RUN = re.compile(r"\S+")
ELLIPSIS = "…"


def _joins_previous(char: str) -> bool:
    """A character drawn on (or joined to) the one before it: Thai vowel and tone marks,
    other combining marks, zero-width joiners and variation selectors."""
    if char in "\u200d\ufe0e\ufe0f":
        return True
    return unicodedata.category(char) in ("Mn", "Me", "Mc")


def clusters(text: str) -> list[str]:
    """Grapheme clusters: each base character with the marks drawn on it."""
    out: list[str] = []
    for char in text:
        if out and _joins_previous(char) and not out[-1].endswith("\n"):
            out[-1] += char
        else:
            out.append(char)
    return out


def truncate(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` cells, cut at a cluster boundary with "…"."""
    line = text.replace("\n", " ")
    if cell_len(line) <= width:
        return line
    kept = ""
    for cluster in clusters(line):
        if cell_len(kept + cluster) + 1 > width:
            break
        kept += cluster
    return kept.rstrip() + ELLIPSIS


@functools.cache
def _word_breaker() -> Callable[[str], list[int]] | None:
    """libthai's word breaker, where the system has it (feature detection: a missing library,
    an older one without th_brk_find_breaks, or Windows without it all give None)."""
    name = ctypes.util.find_library("thai")
    try:
        lib = ctypes.CDLL(name or "libthai.so.0")
        lib.th_brk_new.restype = ctypes.c_void_p
        lib.th_brk_new.argtypes = [ctypes.c_char_p]
        find = lib.th_brk_find_breaks
    except (OSError, AttributeError):
        return None
    find.restype = ctypes.c_int
    find.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int),
                     ctypes.c_size_t]  # fmt: skip
    breaker = lib.th_brk_new(None)  # the shared dictionary; kept for the process
    if not breaker:
        return None

    def breaks(text: str) -> list[int]:
        # TIS-620 holds every Thai letter in one byte: a byte's offset is the character's.
        data = text.encode("tis-620", "replace")
        found = (ctypes.c_int * (len(data) + 1))()
        count = find(breaker, data, found, len(data) + 1)
        return [found[n] for n in range(max(count, 0)) if 0 < found[n] < len(text)]

    return breaks


def thai_words(run: str) -> list[str]:
    """``run`` (text without spaces) cut into words where libthai says Thai words end; the
    whole run as one word where libthai is missing."""
    breaker = _word_breaker() if re.search("[\u0e00-\u0e7f]", run) else None
    cuts = breaker(run) if breaker else []
    return [run[a:b] for a, b in zip([0, *cuts], [*cuts, len(run)], strict=True) if a < b]


def _fold(run: str, start: int, width: int) -> Iterator[int]:
    """Offsets inside one over-wide run where it must break: between its Thai words, and
    inside a word wider than ``width`` at cluster boundaries."""
    pieces = [
        piece
        for word in thai_words(run)
        for piece in ([word] if cell_len(word) <= width else clusters(word))
    ]
    used = 0
    offset = start
    for cluster in pieces:
        size = cell_len(cluster)
        if used and used + size > width:
            yield offset
            used = 0
        used += size
        offset += len(cluster)


def wrap_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newlines) to fit ``width`` cells: only at spaces, except
    inside a run wider than ``width``, which breaks at cluster boundaries."""
    breaks: list[int] = []
    used = 0
    for match in _RUN.finditer(line):
        run, start = match.group(), match.start()
        size = cell_len(run)
        gap = 1 if used else 0
        if used and used + gap + size > width:
            breaks.append(start)
            used = 0
            gap = 0
        if size > width:
            folds = list(_fold(run, start, width))
            breaks += folds
            used = cell_len(line[folds[-1] : match.end()]) if folds else size
        else:
            used += gap + size
    return breaks


def longest_run(text: str) -> int:
    """The cells of the widest run without a space: the narrowest column that breaks no word."""
    return max((cell_len(run) for run in _RUN.findall(text)), default=0)


class ThaiText:
    """A renderable that wraps at spaces only (see the module's docstring); keeps its styles.

    ``one_line`` cuts it to one line at a cluster boundary instead of wrapping.
    """

    def __init__(self, text: str | Text, *, one_line: bool = False, style: str = "") -> None:
        self.text = Text(text, style=style) if isinstance(text, str) else text
        self.one_line = one_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        widest = max((cell_len(line) for line in plain.splitlines()), default=0)
        if self.one_line:
            return Measurement(min(widest, 8), widest)
        return Measurement(longest_run(plain), widest)

    def lines(self, width: int) -> list[Text]:
        """The text as lines of at most ``width`` cells."""
        width = max(1, width)
        out: list[Text] = []
        for line in self.text.split("\n", allow_blank=True):
            if self.one_line:
                cut = truncate(line.plain, width)
                if cut != line.plain:
                    kept = line[: len(cut) - 1]
                    kept.rstrip()
                    kept.append(ELLIPSIS)
                    line = kept
                out.append(line)
                break
            offsets = wrap_offsets(line.plain, width)
            for part in line.divide(offsets) if offsets else [line]:
                part.rstrip()
                out.append(part)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.lines(options.max_width)
        joined = Text("\n").join(lines)
        joined.no_wrap = True
        joined.overflow = "crop"
        joined.justify = options.justify or self.text.justify
        yield joined


def words_of(texts: Iterable[str]) -> set[str]:
    """Every run without a space in ``texts`` that contains Thai: what must never be broken."""
    return {
        run for text in texts for run in _RUN.findall(text) if re.search("[\u0e00-\u0e7f]", run)
    }
