"""Frozen, slotted records that pickle quickly: every scored office crosses a pipe from its
worker, and a batch of thousands reads its offices back from a scratch file (assess/kept.py).

A frozen dataclass with slots pickles through the dataclasses module's ``__getstate__`` and
``__setstate__``, which look up the class's fields for every object: three quarters of the
time it took to unpickle a scored office (~600 objects). :func:`pickled_by_fields` pickles a
record as its class and its fields' values, rebuilt by the class's own ``__init__``: half the
time to read back, a third to write.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

__all__ = ["pickled_by_fields"]

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Make a frozen dataclass pickle as ``cls(*values)`` (put it above ``@dataclass``).

    Only for a record whose ``__init__`` takes every field and does nothing else: a field
    left out of ``__init__``, or a ``__post_init__``, would make the copy differ, so both are
    refused here rather than found later.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not f.init for f in fields) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: its __init__ must take every field and only set them")
    values = operator.attrgetter(*(f.name for f in fields))
    single = len(fields) == 1

    def reduce(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        got = values(self)
        return cls, (got,) if single else got

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls
