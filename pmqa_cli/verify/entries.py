"""The rows of the verification files that can be used (:class:`Entry`), and everything read
from those files with its findings (:class:`Verification`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.trace import InputFile, Layer, Origin, Verdict
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = ["Entry", "Verification", "drop_conflicts"]


@dataclass(frozen=True)
class Entry:
    """One usable row: a value (or verdict) for one office's item from one layer.

    ``met`` is set for a criterion, ``answer`` for an indicator; a review row may carry only a
    verdict (``met`` and ``answer`` None) and a comment.
    """

    layer: Layer
    office: str
    item: str
    indicator: bool
    origin: Origin
    met: bool | None = None
    answer: IndicatorAnswer | None = None
    verdict: Verdict | None = None
    reason: str = ""
    person: str = ""
    comment: str = ""
    source: str = ""
    #: A review row's record of what the office reported when the sheet was made, and its
    #: cell ("" when the table has no such column): see :func:`pmqa_cli.verify.apply.fresh_reviews`.
    claim: str = ""
    claim_cell: str = ""
    #: The cell of the row's office code ("" where unknown): an unknown office points there.
    office_cell: str = ""

    def decision(self) -> tuple[Any, ...]:
        """What the row decides (two rows that decide the same thing do not conflict)."""
        answer = self.answer
        value = None if answer is None or answer.value is None else Decimal(str(answer.value))
        na = answer.not_applicable if answer else None
        return (self.verdict, self.met, value, na)


@dataclass
class Verification:
    """Every usable entry from the review, data and correction files, and every finding."""

    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    reviewed: bool = False  # a review file was given: items without a verdict are unreviewed
    checked: bool = False  # office codes and types checked (check_offices)
    #: Rows about an office (its code, the file) that were not applied for an error: the
    #: office's verified score is not complete until they are fixed (verify/apply.py).
    refused: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Whether anything was given at all (without it, verified = self-assessed)."""
        return bool(self.files)

    def for_office(self, code: str) -> dict[tuple[Layer, str], Entry]:
        """(layer, item id) -> entry for one office."""
        return {(e.layer, e.item): e for e in self.entries if e.office == code}

    def check_offices(
        self,
        types: Mapping[str, OfficeType | None],
        rubric: Rubric,
        *,
        report_unknown: bool = True,
    ) -> None:
        """Drop rows for offices not in ``types`` (the registry, or the offices scored) and
        rows for indicators that do not apply to the office's type, with a finding for each.

        ``report_unknown`` False drops rows for other offices silently (scoring one office
        without a registry: the other rows are simply not about it).
        """
        kept: list[Entry] = []
        for entry in self.entries:
            if entry.office not in types:
                if report_unknown:
                    self._bad(entry, "verify-office-unknown", entry.office_cell,
                              value=entry.office)  # fmt: skip
                continue
            office_type = types[entry.office]
            if entry.indicator and not rubric.indicator(entry.item).applies(office_type):
                assert office_type is not None
                self._bad(entry, "verify-not-applicable", office_type=office_type.abbrev_th)
                continue
            kept.append(entry)
        self.entries = kept
        self.checked = True
        self._count_rows()

    def note_absent(self, scored: Mapping[str, OfficeType | None]) -> None:
        """Rows checked against the registry for a registered office that sent nothing (not
        in ``scored``) cannot be applied to anything: one note per office and file, at its
        first row (``verify-office-absent``)."""
        groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            if entry.office not in scored:
                groups[(entry.origin.file, entry.office)].append(entry)
        for (_, office), group in groups.items():
            o = min((e.origin for e in group), key=lambda o: (o.sheet, o.row))
            self.findings.append(
                make_finding(
                    "verify-office-absent",
                    file=o.file,
                    sheet=o.sheet or None,
                    cell=o.cell,
                    row=o.row,
                    office=office,
                    count=len(group),
                )
            )

    def _bad(self, entry: Entry, code: str, cell: str = "", **params: Any) -> None:
        """A finding about an entry's row, at ``cell`` (by default its value's)."""
        o = entry.origin
        self.findings.append(
            make_finding(
                code,
                file=o.file,
                sheet=o.sheet or None,
                cell=cell or o.cell,
                item_id=entry.item,
                row=o.row,
                **params,
            )
        )

    def _count_rows(self) -> None:
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            counts[entry.origin.file] += 1
        self.files = [replace(f, rows=counts.get(f.path, 0)) for f in self.files]


def drop_conflicts(
    entries: list[Entry], findings: list[Finding], refused: dict[tuple[str, str], int]
) -> list[Entry]:
    """Rows for one layer, office and item that disagree are all dropped, with a finding
    (and counted in ``refused``); rows that agree count once (the first), comments joined."""
    groups: dict[tuple[Layer, str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.layer, entry.office, entry.item)].append(entry)
    kept: list[Entry] = []
    for group in groups.values():
        first = group[0]
        if all(e.decision() == first.decision() for e in group):
            comments = [e.comment for e in group if e.comment]
            joined = " / ".join(dict.fromkeys(comments))
            kept.append(replace(first, comment=joined) if joined != first.comment else first)
            continue
        where = ", ".join(
            f"{Path(e.origin.file).name} {e.origin.sheet} แถว {e.origin.row}".replace("  ", " ")
            for e in group
        )
        for e in group:
            o = e.origin
            refused[(e.office, o.file)] = refused.get((e.office, o.file), 0) + 1
            findings.append(
                make_finding(
                    "verify-row-conflict",
                    file=o.file,
                    sheet=o.sheet or None,
                    cell=o.cell,
                    item_id=e.item,
                    row=o.row,
                    office=e.office,
                    rows=where,
                )
            )
    return kept
