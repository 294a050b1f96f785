"""pmqa's mark on the workbooks it writes: a custom document property with the kind and version.

Every workbook pmqa writes (results, feedback, templates, samples) carries two custom document
properties, ``pmqa-kind`` and ``pmqa-version`` (Excel: File > Info > Properties > Advanced >
Custom; LibreOffice: File > Properties > Custom Properties). Excel and LibreOffice keep them when
a file is saved again, so a filled template still says it started as pmqa's template.

The mark lets pmqa tell its own outputs from submissions: batch discovery passes over results,
feedback, comparison and committee review workbooks (:data:`OUTPUT_KINDS`), and an existing file
is replaced only when pmqa wrote it and nobody saved it since (:attr:`Mark.pristine`: last
modified by pmqa, and the SHA-256 its folder's :data:`WRITTEN_RECORD` names it with, which
report/guard.py checks: LibreOffice and openpyxl keep "last modified by pmqa" when they save).
"""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from defusedxml import ElementTree

from pmqa_cli import __version__
from pmqa_cli.core.hashing import sha256_file

__all__ = [
    "CREATOR",
    "KIND_PROPERTY",
    "OUTPUT_KINDS",
    "RESULTS_JSON_HEAD",
    "SPREADSHEET_SUFFIXES",
    "VERSION_PROPERTY",
    "WRITTEN_RECORD",
    "Kind",
    "Mark",
    "is_results_json",
    "mark_properties",
    "read_mark",
    "recorded_output",
    "written_record",
]

KIND_PROPERTY = "pmqa-kind"
VERSION_PROPERTY = "pmqa-version"
CREATOR = "pmqa"  # docProps/core.xml creator and lastModifiedBy of every workbook pmqa writes
_MAX_PART = 256 * 1024  # docProps parts are a few hundred bytes; a larger one is not pmqa's
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_CP_NS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


#: The files pmqa writes beside workbooks (CSV, maps, PDF) carry no mark of their own: each
#: folder's record names them with their SHA-256 (a hidden file: discovery and Excel's file
#: dialogs pass it over; report/guard.py writes it).
WRITTEN_RECORD = ".pmqa-written.json"
_MAX_RECORD = 8 * 1024 * 1024  # bytes; a record names a few hundred files at most
#: How the JSON of ``pmqa batch --json`` starts (report/results.py json_document): its mark.
RESULTS_JSON_HEAD = b'{\n "pmqa_version":'


class Kind(str, Enum):
    """What a pmqa workbook is."""

    RESULTS = "results"  # pmqa batch -o
    FEEDBACK = "feedback"  # pmqa score -o, pmqa batch --feedback
    TEMPLATE = "template"  # pmqa template (offices fill it in and send it back)
    SAMPLE = "sample"  # pmqa sample (filled submissions for demos and tests)
    COMPARISON = "comparison"  # pmqa compare -o
    REVIEW = "review"  # pmqa review-sheet -o (the committee fills it in; read with --review)


def mark_properties(kind: Kind) -> dict[str, str]:
    """The custom document properties that mark a workbook as pmqa's ``kind``: what every
    writer (openpyxl's and xlsxwriter's) puts on the workbooks it writes."""
    return {KIND_PROPERTY: kind.value, VERSION_PROPERTY: __version__}


# What batch discovery takes as a submission (and what an output must not be named inside an
# input folder unless pmqa marks it).
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
# pmqa's own outputs: never read as submissions.
# A review workbook keeps its mark when the committee saves it, so a filled copy left in the
# submissions folder is passed over too (it is read only through --review).
OUTPUT_KINDS = frozenset({Kind.RESULTS, Kind.FEEDBACK, Kind.COMPARISON, Kind.REVIEW})


@dataclass(frozen=True)
class Mark:
    """pmqa's mark found in a workbook."""

    kind: str  # a Kind value, or whatever text a later pmqa wrote
    version: str
    last_modified_by: str

    @property
    def is_output(self) -> bool:
        """A results or feedback workbook: pmqa's output, never a submission."""
        return self.kind in {k.value for k in OUTPUT_KINDS}

    @property
    def pristine(self) -> bool:
        """Written by pmqa and not saved since by anyone else (Excel stamps the user's name)."""
        return self.last_modified_by == CREATOR


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        return None
    return archive.read(info)


def read_mark(path: Path) -> Mark | None:
    """pmqa's mark in the workbook at ``path``; None when it has none or cannot be read.
    Anything but a regular file (a FIFO would block the open) is not opened: None."""
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):
            return None
        with Path(path).open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return None
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                custom = _part(archive, "docProps/custom.xml")
                core = _part(archive, "docProps/core.xml")
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError):
        return None
    if custom is None:
        return None
    try:
        props: dict[str, str] = {}
        for prop in ElementTree.fromstring(custom).iter(f"{_CUSTOM_NS}property"):
            props[prop.get("name", "")] = "".join(t for c in prop for t in c.itertext())
        modified_by = ""
        if core is not None:
            found = ElementTree.fromstring(core).find(f"{_CP_NS}lastModifiedBy")
            modified_by = (found.text or "") if found is not None else ""
    except Exception:  # any malformed or hostile XML: not pmqa's mark
        return None
    kind = props.get(KIND_PROPERTY)
    if not kind:
        return None
    return Mark(kind, props.get(VERSION_PROPERTY, ""), modified_by)


def written_record(folder: Path) -> dict[str, str]:
    """The files pmqa wrote in ``folder`` as its record names them: name -> SHA-256 (empty
    without a readable record)."""
    try:
        record = folder / WRITTEN_RECORD
        if record.stat().st_size > _MAX_RECORD:
            return {}
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def recorded_output(path: Path, record: Mapping[str, str] | None = None) -> bool:
    """Whether pmqa wrote the file at ``path`` and nobody changed it since: its folder's record
    (``record``, when the caller has read it) names it with its SHA-256."""
    sha = (written_record(path.parent) if record is None else record).get(path.name)
    try:
        return sha is not None and sha == sha256_file(path)
    except OSError:
        return False


def is_results_json(path: Path) -> bool:
    """Whether the file at ``path`` is the JSON of a pmqa batch (by how it starts)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(RESULTS_JSON_HEAD)) == RESULTS_JSON_HEAD
    except OSError:
        return False
