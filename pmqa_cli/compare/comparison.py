"""This round against earlier ones: per office, most improved and declined, national means.

Every difference is exact (Decimal, from the reported numbers and the earlier scores exactly as
read); an office's change, and an earlier score read with more digits than the rubric's, are
shown rounded half-up once to the rubric's decimals; a mean is rounded half-up once. The change
of a mean is taken over the offices scored in both rounds (matched by code), never between two
means of different sets of offices: the exact mean of those offices' changes, rounded once; how
many offices that is, and each round's plain mean and count, are kept beside it.
Rank change is the earlier rank minus this rank, so moving from 12th to 5th is +7.

Items (issues and indicators) are matched by id: an office's earlier score for an item is the
first of the item's own id and then its ``previous_ids`` that the earlier result has. Items with
no earlier counterpart are compared only through the overall and part scores, and are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.compare.labels import COMPARE_OPTIONS, LabelOptions, distinct_labels
from pmqa_cli.compare.snapshot import OfficeScore, Snapshot, number, with_ranks
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.numbers import rounded
from pmqa_cli.io.registry import Registry
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = [
    "PARTS",
    "Comparison",
    "ItemChange",
    "MeanChange",
    "OfficeChange",
    "RoundComparison",
    "compare",
    "fill_details",
    "mean",
]

TOP = 10  # length of the most-improved and most-declined lists

#: The three scores every office has: key, Thai label.
PARTS: tuple[tuple[str, str], ...] = (
    ("overall", "คะแนนรวม"),
    ("pmqa", "หมวด 1-6 (PMQA 4.0)"),
    ("results", "หมวด 7 (ตัวชี้วัด)"),
)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The exact mean (not rounded), or None for no values."""
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


@dataclass(frozen=True)
class ItemChange:
    """One office's score on one item in both rounds."""

    id: str
    previous_id: str | None  # the id the earlier result used (None: no earlier score)
    read: Decimal | None  # the earlier score exactly as read (a table may carry more digits)
    current: Decimal | None
    decimals: int  # the rubric's: what is shown is rounded half-up once to these

    @property
    def previous(self) -> Decimal | None:
        """The earlier score as shown: rounded half-up once to the rubric's decimals."""
        return rounded(self.read, self.decimals)

    @property
    def change(self) -> Decimal | None:
        """This round minus the earlier one: exact, rounded half-up once to be shown."""
        if self.read is None or self.current is None:
            return None
        return rounded(self.current - self.read, self.decimals)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "previous_id": self.previous_id,
            "previous": number(self.previous),
            "current": number(self.current),
            "change": number(self.change),
        }


@dataclass(frozen=True)
class OfficeChange:
    """One office in this round and an earlier one (either may be missing)."""

    code: str
    current: OfficeScore | None
    previous: OfficeScore | None
    items: tuple[ItemChange, ...] = ()
    # The rubric's decimals: a score and a change are shown rounded half-up once to these
    # (this round's scores are already; an earlier table may carry more digits).
    decimals: int | None = None

    @property
    def office(self) -> OfficeScore:
        """The office's details: this round's, else the earlier round's."""
        found = self.current or self.previous
        assert found is not None
        return found

    def _exact(self, key: str, earlier: bool) -> Decimal | None:
        office = self.previous if earlier else self.current
        return office.part(key) if office is not None else None

    def _shown(self, value: Decimal | None) -> Decimal | None:
        return value if self.decimals is None else rounded(value, self.decimals)

    def score(self, key: str, earlier: bool = False) -> Decimal | None:
        """overall, pmqa or results, in this round or (``earlier``) the earlier one, as shown."""
        return self._shown(self._exact(key, earlier))

    def change(self, key: str = "overall") -> Decimal | None:
        """This round's score minus the earlier one: exact, rounded half-up once to be shown."""
        now, then = self._exact(key, False), self._exact(key, True)
        return None if now is None or then is None else self._shown(now - then)

    @property
    def rank_change(self) -> int | None:
        """Places gained overall (earlier rank minus this rank)."""
        if self.current is None or self.previous is None:
            return None
        if self.current.rank is None or self.previous.rank is None:
            return None
        return self.previous.rank - self.current.rank

    @property
    def rank_in_type_change(self) -> int | None:
        """Places gained within the office type."""
        if self.current is None or self.previous is None:
            return None
        if self.current.rank_in_type is None or self.previous.rank_in_type is None:
            return None
        return self.previous.rank_in_type - self.current.rank_in_type

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        o = self.office

        def side(s: OfficeScore | None) -> dict[str, Any] | None:
            if s is None:
                return None
            return {
                "overall": number(self._shown(s.overall)),
                "pmqa": number(self._shown(s.pmqa)),
                "results": number(self._shown(s.results)),
                "rank": s.rank,
                "rank_in_type": s.rank_in_type,
            }

        return {
            "code": self.code,
            "name": o.name,
            "type": o.type.value if o.type else None,
            "current": side(self.current),
            "previous": side(self.previous),
            "change": {key: number(self.change(key)) for key, _ in PARTS},
            "rank_change": self.rank_change,
            "rank_in_type_change": self.rank_in_type_change,
            "items": [i.to_dict() for i in self.items if i.previous is not None],
        }


@dataclass(frozen=True)
class MeanChange:
    """The national (or one office type's) mean of one score in both rounds."""

    key: str  # overall, pmqa, results, or an item id
    label: str
    kind: str  # part, issue or indicator
    current: Decimal | None  # this round's plain mean, rounded half-up to the rubric's decimals
    previous: Decimal | None  # the earlier round's plain mean (its own offices)
    change: Decimal | None  # the exact mean change of the offices in both rounds, rounded once
    current_count: int
    previous_count: int
    previous_ids: tuple[str, ...] = ()  # the earlier ids the matches came through
    matched: bool = True  # False: no earlier counterpart; compared only via overall and parts
    both_count: int = 0  # offices with a score in both rounds: the ones the change is over

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "current_mean": number(self.current),
            "previous_mean": number(self.previous),
            "change": number(self.change),
            "current_count": self.current_count,
            "previous_count": self.previous_count,
            "both_count": self.both_count,
            "previous_ids": list(self.previous_ids),
            "matched": self.matched,
        }


@dataclass
class RoundComparison:
    """This round against one earlier round."""

    previous: Snapshot
    offices: list[OfficeChange]  # every office of either round, by code
    means: list[MeanChange]  # national: parts, then issues, then indicators
    type_means: dict[str, list[MeanChange]]  # สพป. / สพม.: the three parts
    unmatched_items: list[str]  # this rubric's items with no earlier counterpart
    unmatched_previous: list[str]  # earlier item ids that match no item of this rubric
    improved: dict[str, list[OfficeChange]] = field(default_factory=dict)  # รวม, สพป., สพม.
    declined: dict[str, list[OfficeChange]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The earlier round's label."""
        return self.previous.label

    @property
    def both(self) -> list[OfficeChange]:
        """Offices scored in both rounds."""
        return [o for o in self.offices if o.change() is not None]

    @property
    def only_current(self) -> list[OfficeChange]:
        """Offices with a score this round but none in the earlier one."""
        return [o for o in self.offices if o.score("overall") is not None and o.change() is None]

    @property
    def only_previous(self) -> list[OfficeChange]:
        """Offices with an earlier score but none this round."""
        return [
            o for o in self.offices if o.score("overall", True) is not None and o.change() is None
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (docs/json-output.md)."""
        return {
            "label": self.label,
            "source": self.previous.source,
            "offices_in_both": len(self.both),
            "only_current": [o.code for o in self.only_current],
            "only_previous": [o.code for o in self.only_previous],
            "unmatched_items": self.unmatched_items,
            "unmatched_previous_items": self.unmatched_previous,
            "note": _unmatched_note(self.unmatched_items) if self.unmatched_items else None,
            "means": [m.to_dict() for m in self.means],
            "type_means": {k: [m.to_dict() for m in v] for k, v in self.type_means.items()},
            "most_improved": {k: [o.code for o in v] for k, v in self.improved.items()},
            "most_declined": {k: [o.code for o in v] for k, v in self.declined.items()},
            "offices": [o.to_dict() for o in self.offices],
            "findings": [f.to_dict() for f in self.previous.findings],
        }


def _unmatched_note(items: list[str]) -> str:
    return (
        f"{', '.join(items)}: ไม่มีรายการที่ตรงกันในผลครั้งก่อน เทียบได้เฉพาะคะแนนรวมและรายส่วน "
        "(no earlier counterpart; compared only through the overall and part scores)"
    )


@dataclass
class Comparison:
    """This round against each earlier round, oldest first."""

    current: Snapshot
    rounds: list[RoundComparison]
    decimals: int  # the rubric's: every score and change is shown with this many places

    @property
    def latest(self) -> RoundComparison:
        """The most recent earlier round: the one lists and the summary use."""
        return self.rounds[-1]

    @property
    def findings(self) -> list[Any]:
        """Every problem found in the results compared (earlier ones, then this one)."""
        return [f for r in self.rounds for f in r.previous.findings] + self.current.findings

    def to_dict(self) -> dict[str, Any]:
        """JSON form (docs/json-output.md)."""
        return {"label": self.current.label, "previous": [r.to_dict() for r in self.rounds]}


# --- computing -------------------------------------------------------------------------------


def fill_details(previous: Snapshot, current: Snapshot, registry: Registry | None) -> Snapshot:
    """Give offices the details a plain table left out (type, name, province, region) from
    another round or the registry, then rank within type if the table could not."""
    filled: dict[str, OfficeScore] = {}
    for code, office in previous.offices.items():
        now = current.offices.get(code)
        listed = registry.get(code) if registry is not None else None
        filled[code] = replace(
            office,
            type=office.type or (now.type if now else None) or (listed.type if listed else None),
            name=office.name or (now.name if now else "") or (listed.name if listed else ""),
            province=office.province
            or (now.province if now else "")
            or (listed.province if listed else ""),
            region=office.region
            or (now.region if now else "")
            or (listed.region if listed else ""),
        )
    if any(o.overall is not None and o.rank_in_type is None and o.type for o in filled.values()):
        ranked = with_ranks(filled.values())
        filled = {
            code: replace(o, rank_in_type=ranked[code].rank_in_type) for code, o in filled.items()
        }
    return replace(previous, offices=filled)


def _previous_item(office: OfficeScore, candidates: Sequence[str]) -> tuple[str | None, Any]:
    for item_id in candidates:
        if item_id in office.items:
            return item_id, office.items[item_id]
    return None, None


def _top(changes: Iterable[OfficeChange], improved: bool) -> list[OfficeChange]:
    """The TOP largest gains (or falls); ties broken by this round's score, then code."""
    sign = 1 if improved else -1
    moved = [o for o in changes if (o.change() or 0) * sign > 0]
    moved.sort(key=lambda o: (-sign * (o.change() or 0), -(o.score("overall") or 0), o.code))
    return moved[:TOP]


def _means(
    key: str,
    label: str,
    kind: str,
    now: Mapping[str, Decimal],
    then: Mapping[str, Decimal],
    decimals: int,
    previous_ids: tuple[str, ...] = (),
    matched: bool = True,
) -> MeanChange:
    """Each round's plain mean of its own offices (``now``, ``then``: code -> exact value), and
    the change over the offices in both: the exact mean of their changes, rounded once."""
    both = sorted(set(now) & set(then))
    change = mean([now[code] - then[code] for code in both])
    return MeanChange(
        key, label, kind, rounded(mean(list(now.values())), decimals),
        rounded(mean(list(then.values())), decimals), rounded(change, decimals), len(now),
        len(then), previous_ids, matched, len(both),
    )  # fmt: skip


def _values(offices: Iterable[OfficeScore], key: str) -> dict[str, Decimal]:
    """overall, pmqa or results of each office that has it, by code."""
    return {o.code: v for o in offices if (v := o.part(key)) is not None}


def _round(
    current: Snapshot, previous: Snapshot, rubric: Rubric, registry: Registry | None
) -> RoundComparison:
    previous = fill_details(previous, current, registry)
    decimals = rubric.scoring.decimals
    items = list(rubric.scored_items())
    candidates = {item.id: (item.id, *item.previous_ids) for item in items}
    offices: list[OfficeChange] = []
    for code in sorted(set(current.offices) | set(previous.offices)):
        now, then = current.offices.get(code), previous.offices.get(code)
        changes = []
        if now is not None:
            for item in items:
                earlier_id, earlier = (
                    _previous_item(then, candidates[item.id]) if then else (None, None)
                )
                changes.append(
                    ItemChange(item.id, earlier_id, earlier, now.items.get(item.id), decimals)
                )
        offices.append(OfficeChange(code, now, then, tuple(changes), decimals))

    now_scored = current.scored()
    then_scored = [o for o in previous.offices.values() if o.overall is not None]
    means = [
        _means(key, label, "part", _values(now_scored, key), _values(then_scored, key), decimals)
        for key, label in PARTS
    ]
    used_previous: set[str] = set()
    unmatched: list[str] = []
    for item in items:
        then_values: dict[str, Decimal] = {}
        via: set[str] = set()
        for o in then_scored:
            earlier_id, earlier = _previous_item(o, candidates[item.id])
            if earlier_id is not None:
                then_values[o.code] = earlier
                via.add(earlier_id)
        used_previous |= via
        if not then_values:
            unmatched.append(item.id)
        means.append(
            _means(
                item.id,
                item.title_th,
                "issue" if item in rubric.issues else "indicator",
                {o.code: v for o in now_scored if (v := o.items.get(item.id)) is not None},
                then_values,
                decimals,
                tuple(sorted(via - {item.id})),
                bool(then_values),
            )
        )
    type_means: dict[str, list[MeanChange]] = {}
    for office_type in OfficeType:
        group_now = [o for o in now_scored if o.type is office_type]
        group_then = [o for o in then_scored if o.type is office_type]
        type_means[office_type.abbrev_th] = [
            _means(key, label, "part", _values(group_now, key), _values(group_then, key), decimals)
            for key, label in PARTS
        ]
    result = RoundComparison(
        previous, offices, means, type_means, unmatched, sorted(previous.item_ids() - used_previous)
    )
    both = result.both
    for scope, group in (
        ("รวม", both),
        *((t.abbrev_th, [o for o in both if o.office.type is t]) for t in OfficeType),
    ):
        result.improved[scope] = _top(group, improved=True)
        result.declined[scope] = _top(group, improved=False)
    return result


def compare(
    current: Snapshot,
    previous: Sequence[Snapshot],
    rubric: Rubric,
    registry: Registry | None = None,
    *,
    options: LabelOptions = COMPARE_OPTIONS,
) -> Comparison:
    """This round against each earlier one (oldest first), each round with its own label
    (compare/labels.py: a usage error naming ``options`` when the files cannot tell them apart)."""
    current, previous = distinct_labels(current, previous, options)
    backwards = [_backwards(p, current) for p in previous if _later(p, current)]
    if backwards:
        current = replace(current, findings=[*current.findings, *backwards])
    rounds = [_round(current, p, rubric, registry) for p in previous]
    return Comparison(current, rounds, rubric.scoring.decimals)


def _later(earlier: Snapshot, later: Snapshot) -> bool:
    """Whether the result given as the earlier one is of a later fiscal year."""
    if earlier.fiscal_year is None or later.fiscal_year is None:
        return False
    return earlier.fiscal_year > later.fiscal_year


def _backwards(earlier: Snapshot, later: Snapshot) -> Finding:
    """The two results given the wrong way round (most likely): every change would read
    backwards, and pmqa does not guess which was meant."""
    return make_finding(
        "compare-order-reversed", file=later.source or None,
        earlier=Path(earlier.source).name or earlier.label, earlier_year=str(earlier.fiscal_year),
        later=Path(later.source).name or later.label, later_year=str(later.fiscal_year),
    )  # fmt: skip
