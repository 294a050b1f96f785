"""What was read from one office's submission workbook: its office, answers and provenance.

:func:`pmqa_cli.assess.reading.read_submission` fills a :class:`Submission` in;
:mod:`.office` validates and scores it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.provisional_check import (
    ProvisionalValue,
)
from pmqa_cli.core.findings import Finding
from pmqa_cli.rubric.model import OfficeType

__all__ = ["OfficeInfo", "Submission", "ValueRead"]


@dataclass(frozen=True)
class OfficeInfo:
    """The office a submission is for, as read (and corrected by the registry, if given)."""

    code: str = ""
    name: str = ""
    type: OfficeType | None = None
    province: str = ""
    region: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    submitted_on: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type.value if self.type else None,
            "type_th": self.type.abbrev_th if self.type else None,
            "province": self.province,
            "region": self.region,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "contact_email": self.contact_email,
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
        }


class ValueRead(NamedTuple):
    """One value read from a submission, with its provenance (for audit trails).

    A NamedTuple: a batch moves hundreds of thousands of these between processes.
    """

    sheet: str
    cell: str
    item_id: str
    field: str
    raw: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        value = self.value
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = float(value)
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "item_id": self.item_id,
            "field": self.field,
            "raw": self.raw,
            "value": value,
        }


@dataclass
class Submission:
    """What was read from one workbook."""

    path: Path
    sha256: str = ""
    readable: bool = False
    office: OfficeInfo = field(default_factory=OfficeInfo)
    rubric_id: str | None = None
    rubric_version: str | None = None
    rubric_sha256: str | None = None
    criteria: dict[str, bool | None] = field(default_factory=dict)
    indicators: dict[str, IndicatorAnswer] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    values: list[ValueRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Items whose cell already has a finding (not a number, no row...): not reported twice.
    bad_items: set[str] = field(default_factory=set)
    #: The headline values the template's own formulas cached (compared, never used).
    provisional: list[ProvisionalValue] = field(default_factory=list)

    def answers(self) -> Answers:
        """The answers in the scoring engine's terms."""
        return Answers(self.office.type, dict(self.criteria), dict(self.indicators))

    def where(self, item_id: str) -> tuple[str | None, str | None]:
        """The sheet and cell an item's answer was read from (a Location for findings)."""
        sheet, cell = self.locations.get(item_id, (None, None))
        return sheet, cell


T = TypeVar("T")


def choose(
    candidates: Sequence[T], submitted: Callable[[T], date | None], path: Callable[[T], str | Path]
) -> T:
    """The one rule for two different files of one office (batch, review-sheet): the later
    submission date (the workbook's own, never the file system's), then the later file name;
    of equal dates and names, the first by folder path."""
    ordered = sorted(candidates, key=lambda c: (Path(path(c)).name, str(path(c))))
    return max(ordered, key=lambda c: (submitted(c) or date.min, Path(path(c)).name))
