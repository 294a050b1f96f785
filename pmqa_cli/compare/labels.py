"""Distinct labels for the rounds compared: what the files carry, never a guess.

Every column, sheet and sentence of a comparison names a round by its label ("คะแนนรวม 2566",
"มีเฉพาะ 2567"), so two rounds with one label make every output ambiguous. A label read from a
file is often just the fiscal year, which two rounds of one year share. Where the labels are
equal, what the files themselves say tells them apart: first their rounds ("รอบ 6 เดือน",
"รอบ 12 เดือน"), then the dates they were processed. When the files carry nothing that differs,
the comparison stops with a usage error that tells the user which options to give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from pmqa_cli.compare.snapshot import Snapshot
from pmqa_cli.core.errors import UsageError
from pmqa_cli.core.thai import BE_OFFSET, MONTHS_TH_SHORT
from pmqa_cli.io.values import clean_text

__all__ = ["COMPARE_OPTIONS", "LabelOptions", "distinct_labels"]

#: How a command lets the user name its rounds: (English, Thai) for the usage error.
LabelOptions = tuple[str, str]
COMPARE_OPTIONS: LabelOptions = (
    "give each round its own label with --old-label and --new-label",
    "ระบุชื่อของแต่ละครั้งเองด้วย --old-label และ --new-label",
)


def _key(label: str) -> str:
    """A label as compared: spaces collapsed, case ignored."""
    return " ".join(clean_text(label).split()).casefold()


def _short_date(day: date) -> str:
    """1 มี.ค. 2567 for 2024-03-01."""
    return f"{day.day} {MONTHS_TH_SHORT[day.month - 1]} {day.year + BE_OFFSET}"


def _with_round(snapshot: Snapshot) -> str | None:
    """The label with the round the file gives ("2567 รอบ 6 เดือน"); None: it gives none."""
    shown = clean_text(snapshot.round)
    if not shown:
        return None
    return snapshot.label if _key(shown) in _key(snapshot.label) else f"{snapshot.label} {shown}"


def _with_date(snapshot: Snapshot) -> str | None:
    """The label with the day the file was processed; None: the file does not say."""
    if snapshot.processed is None:
        return None
    return f"{snapshot.label} (ประมวลผล {_short_date(snapshot.processed)})"


_WAYS: tuple[Callable[[Snapshot], str | None], ...] = (_with_round, _with_date)


def _clashing(labels: Sequence[str]) -> set[str]:
    keys = [_key(label) for label in labels]
    return {k for k in keys if keys.count(k) > 1}


def distinct_labels(
    current: Snapshot, previous: Sequence[Snapshot], options: LabelOptions = COMPARE_OPTIONS
) -> tuple[Snapshot, list[Snapshot]]:
    """This round and the earlier ones, each with a label no other of them has.

    Only the rounds whose labels clash are relabelled, by the first thing all their files carry
    that tells them apart (their round, then the date each was processed); the snapshots given
    are not changed. Raises :class:`UsageError` when nothing does.
    """
    snapshots = [current, *previous]
    clash = _clashing([s.label for s in snapshots])
    if not clash:
        return current, list(previous)
    for way in _WAYS:
        # Every round of a clash must carry what tells it apart: "2567" beside "2567 (ประมวลผล
        # 1 มี.ค. 2567)" would still leave the reader to guess which round the first one is.
        found = [way(s) if _key(s.label) in clash else s.label for s in snapshots]
        labels = [label for label in found if label is not None]
        if len(labels) == len(snapshots) and not _clashing(labels):
            renamed = [
                s if label == s.label else replace(s, label=label)
                for s, label in zip(snapshots, labels, strict=True)
            ]
            return renamed[0], renamed[1:]
    same = ", ".join(sorted({clean_text(s.label) for s in snapshots if _key(s.label) in clash}))
    english, thai = options
    raise UsageError(
        f"The results compared share one label ({same}) and their files carry no round or "
        f"processing date that tells them apart, so every column and sentence would name both "
        f"rounds the same: {english}.",
        th=f"ผลที่นำมาเทียบใช้ชื่อเดียวกัน ({same}) และในไฟล์ไม่มีรอบการประเมินหรือวันที่ประมวลผล"
        f"ที่แยกกันได้ ทุกคอลัมน์และทุกข้อความจะเรียกทั้งสองครั้งด้วยชื่อเดียวกัน: {thai}",
    )
