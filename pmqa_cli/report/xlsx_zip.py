"""An xlsx package's zip, byte for byte as xlsxwriter has zipfile write it, each member deflated
once a process.

Deflating was the largest single cost of saving a feedback workbook, most of it spent on members
every workbook of a batch holds alike (the theme, the relationships, the styles, the document
properties, a province's picture): :func:`zip_package` keeps each member's deflated bytes by its
content, so the next workbook that holds the same member copies them. The archive around them is
zipfile's (tests/test_xlsx_fast.py writes the same members through zipfile and asks for the same
bytes): xlsxwriter writes each member with a ``ZipInfo`` of 1 January 1980, deflated at zlib's
default level, into a seekable file without ZIP64.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from zipfile import ZIP_DEFLATED, LargeZipFile, ZipInfo

from pmqa_cli.core.memo import Memo

__all__ = ["zip_package"]

_WHEN = (1980, 1, 1, 0, 0, 0)  # xlsxwriter's date of every member written in memory
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # that date as zip writes one: year, month, day
_DOS_TIME = 0  # midnight
_LIMIT = (1 << 31) - 1  # zipfile's ZIP64_LIMIT: beyond it, xlsxwriter's zipfile raises
_UTF8_NAME = 0x800  # the flag of a member's name that is not ASCII
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile's structEndArchive

#: Each member's CRC and deflated bytes, by its content: 245 offices' workbooks hold 6,370
#: members, 3,890 of them one of 96 contents met more than once.
_DEFLATED: Memo[bytes, tuple[int, bytes]] = Memo(most=500)
#: The largest member kept: the ones workbooks share are a few KB (a picture about 20 KB); an
#: office's own sheets with long evidence texts could be megabytes, and are deflated each time.
_LARGEST_KEPT = 64 * 1024


def _deflated(data: bytes) -> tuple[int, bytes]:
    """``data``'s CRC and its bytes deflated as zipfile deflates a member."""
    found = _DEFLATED.get(data)
    if found is None:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        found = (zlib.crc32(data), compressor.compress(data) + compressor.flush())
        if len(data) <= _LARGEST_KEPT:
            _DEFLATED.keep(data, found)
    return found


def zip_package(members: Iterable[tuple[str, bytes]]) -> bytes:
    """The zip of ``members`` (each its name in the package and its bytes, in order) as
    xlsxwriter's ``ZipFile(..., compression=ZIP_DEFLATED)`` writes them."""
    info = ZipInfo("", _WHEN)  # the versions and the system zipfile writes on this platform
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in members:
        if len(data) * 1.05 > _LIMIT:
            raise LargeZipFile("Filesize would require ZIP64 extensions")
        crc, deflated = _deflated(data)
        encoded, flags = (name.encode("ascii"), 0) if name.isascii() else (
            name.encode("utf-8"), _UTF8_NAME)  # fmt: skip
        local += (
            _LOCAL.pack(b"PK\003\004", info.extract_version, info.reserved, flags, ZIP_DEFLATED,
                        _DOS_TIME, _DOS_DATE, crc, len(deflated), len(data), len(encoded), 0),
            encoded,
            deflated,
        )  # fmt: skip
        central += (
            _CENTRAL.pack(b"PK\001\002", info.create_version, info.create_system,
                          info.extract_version, info.reserved, flags, ZIP_DEFLATED, _DOS_TIME,
                          _DOS_DATE, crc, len(deflated), len(data), len(encoded), 0, 0, 0, 0,
                          0o600 << 16, offset),
            encoded,
        )  # fmt: skip
        offset += _LOCAL.size + len(encoded) + len(deflated)
    directory = b"".join(central)
    count = len(central) // 2
    if offset > _LIMIT or len(directory) > _LIMIT or count > 0xFFFF:
        raise LargeZipFile("the package would require ZIP64 extensions")
    end = _END.pack(b"PK\005\006", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(local) + directory + end
