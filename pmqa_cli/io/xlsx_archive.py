"""An .xlsx file as a checked zip archive of XML parts (used by :mod:`pmqa_cli.io.xlsx`).

Before anything is parsed the file is checked: its size and kind by ``stat`` and its first bytes
(an OLE file is a legacy .xls or an encrypted workbook), then the zip members' declared sizes
and compression ratios. Every XML part is parsed by expat with any DTD refused (so no entity is
ever declared: no expansion, no external entity), and no tree is built. Anything wrong raises
:class:`WorkbookReadError` carrying a finding code.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NoReturn
from xml.parsers import expat

from pmqa_cli.core.limits import InputKind, InputRefusedError, Limits, check_input, megabytes
from pmqa_cli.io.files import sniff

__all__ = [
    "BLOCK",
    "Archive",
    "RowLimitError",
    "WorkbookReadError",
    "bare_name",
    "check_file",
    "expat_parser",
    "local_name",
]

#: How much of a part is decompressed and parsed at a time.
BLOCK = 1 << 16

_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MACRO_CONTENT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


class WorkbookReadError(Exception):
    """The file cannot be read as a workbook. ``code`` is a finding code."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.params = params


class RowLimitError(Exception):
    """Raised from a handler to stop reading a sheet: at the row limit, or past the last row
    the caller wants."""


def local_name(tag: str) -> str:
    """An ElementTree tag without its ``{namespace}``."""
    return tag[tag.rfind("}") + 1 :]


def bare_name(name: str) -> str:
    """An element name without its namespace prefix."""
    return name[name.rfind(":") + 1 :] if ":" in name else name


def _refuse_dtd(*_: object) -> NoReturn:
    # xlsx parts never carry a DTD; refusing any DTD rules out entity expansion and XXE.
    raise WorkbookReadError("file-unsafe-xml")


def _check_encoding(_version: str, encoding: str | None, _standalone: int) -> None:
    """Refuse, as a damaged file, an XML declaration's encoding that expat cannot read: one
    Python does not know, or a multi-byte one other than UTF-8 or UTF-16 (pyexpat takes a
    single-byte codec only). Expat reports the declaration before it asks for the codec, which
    would otherwise raise LookupError or ValueError out of the reader."""
    if encoding is None or encoding.lower() in _NATIVE_ENCODINGS:
        return
    try:
        single_byte = len(bytes(range(256)).decode(encoding, "replace")) == 256
    except LookupError:
        single_byte = False
    if not single_byte:
        detail = f"the text encoding {encoding!r} declared in an XML part cannot be read"
        raise WorkbookReadError("file-corrupt", detail)


#: The encodings expat reads itself (an xlsx part is UTF-8 or UTF-16 by the standard).
_NATIVE_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "us-ascii"})


def expat_parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None,
) -> Any:
    """An expat parser for the large parts (sheets, shared strings): no tree, no DTD.

    The handlers receive element names as written: strip a namespace prefix ("x:c"), which
    Strict OOXML and some writers use, with :func:`bare_name`.
    """
    parser = _no_dtd(expat.ParserCreate())
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _no_dtd(parser: Any) -> Any:
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.XmlDeclHandler = _check_encoding
    return parser


def check_file(path: Path, kind: InputKind, limits: Limits) -> None:
    """Refuse, before it is opened as a zip, a file that is too big, not a regular file, or
    not a zip at all (an OLE file is told apart: encrypted or a legacy .xls)."""
    try:
        size = check_input(path, kind, limits)
        with path.open("rb") as handle:
            head = handle.read(8192)
    except InputRefusedError as exc:
        if exc.code == "input-over-limit" and kind is InputKind.SUBMISSION:
            size = path.stat().st_size  # the submissions' own finding, as before
            limit = megabytes(limits.max_file_bytes)
            raise WorkbookReadError("file-too-large", size=megabytes(size), limit=limit) from None
        raise WorkbookReadError(exc.code, exc.detail, **exc.params) from None
    except FileNotFoundError:
        raise WorkbookReadError("file-not-found", path=str(path)) from None
    except OSError as exc:
        raise WorkbookReadError("file-unreadable", exc.strerror or str(exc)) from None
    found = sniff(head, size)
    if found == "file-ole":
        raise WorkbookReadError(_ole_kind(path, limits))
    if found is not None:
        raise WorkbookReadError(found)


def _ole_kind(path: Path, limits: Limits) -> str:
    with path.open("rb") as handle:
        data = handle.read(limits.max_file_bytes)
    return "file-encrypted" if _ENCRYPTED in data else "file-legacy-xls"


def _malformed(name: str, error: expat.ExpatError) -> WorkbookReadError:
    return WorkbookReadError("file-corrupt", f"malformed XML in {name}: {error}")


class Archive:
    """The workbook's zip archive: its parts, read within the limits, as XML events."""

    def __init__(self, path: Path) -> None:
        self._zip: zipfile.ZipFile | None = zipfile.ZipFile(path)

    def check_sizes(self, limits: Limits) -> None:
        """Refuse a zip bomb by the members' declared sizes, before any is decompressed."""
        assert self._zip is not None
        total = 0
        for info in self._zip.infolist():
            total += info.file_size
            if info.file_size > 1_000_000 and info.compress_size > 0:
                ratio = info.file_size / info.compress_size
                if ratio > limits.max_compression_ratio:
                    raise WorkbookReadError(
                        "file-zip-bomb",
                        f"{info.filename} expands {ratio:.0f} times to {megabytes(info.file_size)}",
                    )
        if total > limits.max_uncompressed_bytes:
            raise WorkbookReadError(
                "file-zip-bomb",
                f"{megabytes(total)} uncompressed, over the "
                f"{megabytes(limits.max_uncompressed_bytes)} limit",
            )

    def names(self) -> set[str]:
        """The names of the archive's members."""
        assert self._zip is not None
        return set(self._zip.namelist())

    def member(self, name: str) -> IO[bytes] | None:
        """A member opened for reading; None when the archive has no such member."""
        assert self._zip is not None
        try:
            return self._zip.open(name)
        except KeyError:
            return None

    def one_block(self, name: str) -> bytes | None:
        """A member's bytes when it is one block at most (read as :meth:`stream` reads its
        first block, so with the same errors); None when it is larger or missing."""
        assert self._zip is not None
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return None
        if info.file_size > BLOCK:
            return None
        with self._zip.open(name) as stream:
            return stream.read(BLOCK)

    def elements(self, name: str) -> Iterator[tuple[str, dict[str, str]]]:
        """A small part's elements as each ends: its name without namespace and its attributes
        (a namespaced one's key is "namespace}name"); none if the part is missing.

        Read as ElementTree's iterparse (which defusedxml ran here before) reads, without its
        tree of Python objects (a third of the time of opening a workbook): expat with
        namespaces (an unbound prefix is malformed), 16 KiB at a time, the elements of a block
        handed out before its malformed spot is, and the same error text.
        """
        stream = self.member(name)
        if stream is None:
            return
        ended: list[tuple[str, dict[str, str]]] = []
        attributes: list[dict[str, str]] = []
        parser = _no_dtd(expat.ParserCreate(namespace_separator="}"))
        parser.StartElementHandler = lambda _, attrs: attributes.append(attrs)
        parser.EndElementHandler = lambda tag: ended.append((local_name(tag), attributes.pop()))
        with stream:
            while data := stream.read(16 * 1024):
                try:
                    parser.Parse(data, False)
                except expat.ExpatError as exc:
                    yield from ended
                    raise _malformed(name, exc) from None
                yield from ended
                ended.clear()
            try:
                parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise _malformed(name, exc) from None  # as ElementTree: not after the last ends
            yield from ended

    def stream(self, name: str, parser: Any) -> None:
        """Feed a part to an expat parser in blocks; errors become WorkbookReadError."""
        stream = self.member(name)
        if stream is None:
            return
        with stream:
            try:
                while block := stream.read(BLOCK):
                    parser.Parse(block, False)
                parser.Parse(b"", True)
            except RowLimitError:
                return
            except expat.ExpatError as exc:
                raise WorkbookReadError(
                    "file-corrupt",
                    f"malformed XML in {name}: {expat.errors.messages.get(exc.code, exc)}",
                ) from None

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, absolute part name) for a part."""
        directory, base = posixpath.split(part)
        rels: dict[str, tuple[str, str]] = {}
        for tag, attrs in self.elements(posixpath.join(directory, "_rels", base + ".rels")):
            if tag == "Relationship":
                target = attrs.get("Target", "")
                if attrs.get("TargetMode") == "External":
                    continue
                absolute = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(directory, target))
                )
                rels[attrs.get("Id", "")] = (attrs.get("Type", ""), absolute)
        return rels

    def content_type_is_macro(self) -> bool:
        """Whether [Content_Types].xml declares a macro-enabled workbook."""
        found = self.elements("[Content_Types].xml")
        return any(attrs.get("ContentType") == _MACRO_CONTENT for _, attrs in found)

    def close(self) -> None:
        """Release the file."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
