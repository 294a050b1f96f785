"""The one fingerprint pmqa gives a file: its SHA-256, in hex (audit trails, duplicates, marks)."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_bytes", "sha256_file"]

_BLOCK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of bytes already read, in hex."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (a large file is never held whole), in hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
