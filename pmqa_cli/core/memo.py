"""What a batch works out once a process and keeps: bounded, so a batch of any size stays small.

The feedback workbooks of a batch share most of their texts, chart caches and zip members
(report/xlsx_fast.py, report/xlsx_zip.py): each is worked out once and kept by its key. A
:class:`Memo` holds at most ``most`` of them and forgets them all at once when full (the next
workbooks fill it again with what they share); what one office alone has, too long to be
worth keeping, is not offered to it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """Values worked out once, by their key: at most ``most``, then forgotten and begun again."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most

    def keep(self, key: K, value: V) -> V:
        """Keep ``value`` for ``key`` (forgetting everything first when full); ``value``."""
        if len(self) >= self.most:
            self.clear()
        self[key] = value
        return value
