"""A small, strict, streaming reader for untrusted .xlsx files.

Why not openpyxl or python-calamine here: a submission's score depends on three things per cell,
its cached value (a number cell reads as the :class:`~decimal.Decimal` of the shortest decimal
text of the double it stores: the digits people typed and see), whether it holds a formula (a
formula with no cached value is a finding) and whether its number format is a percentage or a date
(0.85 in a percent cell means 85). openpyxl gives values *or* formulas per load, and calamine
gives neither formulas nor formats. Reading the parts directly gives all three in one pass,
bounds every size before anything is parsed, and does not depend on any one writer's quirks
(Excel, LibreOffice, xlsxwriter, openpyxl).

Safety: the file type is sniffed from its first bytes; zip members' declared sizes and ratios
are checked before decompression; every XML part is parsed by expat with any DTD refused (no
entity expansion, no external entities); rows, columns and text length are capped.
Anything wrong raises :class:`WorkbookReadError` carrying a finding code.

The parts: :mod:`pmqa_cli.io.xlsx_archive` (the checked archive and its XML parts),
:mod:`pmqa_cli.io.xlsx_styles` (shared strings, number formats, one cell's decoding) and
:mod:`pmqa_cli.io.xlsx_rows` (a sheet streamed row by row); this module ties them together.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from pmqa_cli.core.limits import InputKind, Limits
from pmqa_cli.io.cells import Cell, CellValue, column_letter
from pmqa_cli.io.files import sniff
from pmqa_cli.io.xlsx_archive import Archive, WorkbookReadError, check_file, local_name
from pmqa_cli.io.xlsx_rows import HEADER_SEARCH_ROWS, HeaderWatch, Sheet, read_rows
from pmqa_cli.io.xlsx_styles import CellDecoder, read_shared_strings, read_styles

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Cell",
    "CellValue",
    "InputKind",
    "Limits",
    "Sheet",
    "Workbook",
    "WorkbookReadError",
    "column_letter",
    "open_workbook",
    "sniff",
]


class Workbook:
    """An opened workbook: sheet names known, sheets parsed on demand."""

    def __init__(
        self, path: Path, limits: Limits | None = None, kind: InputKind = InputKind.SUBMISSION
    ) -> None:
        self.path = path
        self.kind = kind
        self.limits = limits or Limits()
        self.macro = False
        self._archive: Archive | None = None
        self._sheets: dict[str, tuple[str, bool]] = {}
        self._decoder = CellDecoder([], [], False, self.limits.max_text_length)
        self._open()

    # --- opening ---------------------------------------------------------------------------

    def _open(self) -> None:
        check_file(self.path, self.kind, self.limits)
        try:
            self._archive = Archive(self.path)
            self._archive.check_sizes(self.limits)
            self._read_structure(self._archive)
        except WorkbookReadError:
            self.close()
            raise
        except zipfile.BadZipFile as exc:
            self.close()
            raise WorkbookReadError("file-corrupt", f"damaged zip archive: {exc}") from None
        except (zlib.error, EOFError) as exc:
            self.close()
            raise WorkbookReadError("file-corrupt", f"damaged compressed data: {exc}") from None

    def _read_structure(self, archive: Archive) -> None:
        """The workbook part: its sheets (part, hidden), date system, macro flag, shared
        strings and styles."""
        names = archive.names()
        workbook_part = next(
            (
                target
                for kind, target in archive.rels("").values()
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        if workbook_part not in names:
            if not any(n.startswith("xl/") for n in names):
                raise WorkbookReadError("file-not-workbook")
            raise WorkbookReadError("file-corrupt", "the workbook part is missing")
        self.macro = "xl/vbaProject.bin" in names or archive.content_type_is_macro()
        rels = archive.rels(workbook_part)
        decoder = self._decoder
        for tag, attrs in archive.elements(workbook_part):
            if tag == "workbookPr":
                decoder.date1904 = attrs.get("date1904") in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in attrs.items() if local_name(k) == "id"), "")
                kind, target = rels.get(rid, ("", ""))
                if target and kind.endswith("/worksheet"):
                    hidden = attrs.get("state", "visible") != "visible"
                    self._sheets[attrs.get("name", "")] = (target, hidden)
        for kind, target in rels.values():
            if kind.endswith("/sharedStrings"):
                decoder.shared += read_shared_strings(archive, target)
            elif kind.endswith("/styles"):
                decoder.formats += read_styles(archive, target)

    # --- sheets --------------------------------------------------------------------------

    @property
    def sheet_names(self) -> list[str]:
        """Sheet names in workbook order."""
        return list(self._sheets)

    def sheet(
        self,
        name: str,
        header: HeaderWatch | None = None,
        *,
        last_row: int | None = None,
    ) -> Sheet | None:
        """Parse one sheet by name; None when the workbook has no such sheet.

        ``header`` is shown each of the first rows as it is read; once it returns a set of
        columns, only those columns are kept for the rows below (the rest of a template is
        text for people, and skipping it makes reading a submission about a third faster).
        With ``last_row`` the rows below it are not read at all.
        """
        if name not in self._sheets:
            return None
        assert self._archive is not None
        part, hidden = self._sheets[name]
        sheet = Sheet(name, hidden)
        read_rows(self._archive, part, sheet, self._decoder, self.limits, header, last_row)
        return sheet

    def close(self) -> None:
        """Release the file."""
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbook(
    path: Path | str, limits: Limits | None = None, kind: InputKind = InputKind.SUBMISSION
) -> Workbook:
    """Open a workbook for reading; raises :class:`WorkbookReadError` (with a finding code).
    Anything but a regular file is refused by ``stat`` before it is opened."""
    return Workbook(Path(path), limits, kind)
