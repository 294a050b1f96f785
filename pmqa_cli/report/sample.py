"""Realistic filled submissions for demos, training and benchmarks.

Offices come from a registry; answers vary with each office's (random) maturity and are
consistent the way real self-assessments are (no higher tier claimed over an incomplete lower
one; evidence for what is claimed). Every third file carries one mistake people really make.
Some mistakes are errors pmqa must report; others (Thai digits, re-ordered rows, an extra blank
row) are quirks pmqa must read silently. :func:`generate_samples` returns the list of what was
planted so a test, or a trainer, can check that pmqa reports exactly those.
"""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.core import portable
from pmqa_cli.core.errors import UsageError
from pmqa_cli.io.layout import SHEET_INDICATORS, SHEET_PMQA
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.report.template import NA_MARK, YES_NO, TemplateLayout, build_template
from pmqa_cli.report.writer import save_atomic
from pmqa_cli.rubric.model import Direction, Indicator, Method, OfficeType, Rubric

__all__ = ["MISTAKES", "PlantedMistake", "generate_samples"]

#: Mistake kinds, and the finding code each must produce (None: read silently, no finding).
MISTAKES: dict[str, str | None] = {
    "missing-answer": "answer-missing",
    "text-in-number": "value-not-number",
    "percent-as-fraction": "value-percent-fraction",
    "thai-digits": None,
    "reordered-rows": None,
    "extra-blank-row": None,
}
_MAX_COUNT = 100_000
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_FIRST_NAMES = ("สมชาย", "สมหญิง", "วิไล", "ประเสริฐ", "กาญจนา", "ธนพล", "สุดารัตน์", "อนุชา")
_LAST_NAMES = ("ใจดี", "ศรีสุข", "วงศ์ไทย", "บุญมา", "แก้วกาญจนา", "ทองคำ", "สายสุวรรณ")


@dataclass(frozen=True)
class PlantedMistake:
    """One deliberate mistake in one sample file."""

    file: str
    kind: str
    item_id: str
    expected_code: str | None


def _offices(registry: Registry, count: int, rng: random.Random) -> list[Office]:
    offices = list(registry)
    rng.shuffle(offices)
    # Beyond the registry (benchmarks), synthetic offices: flagged if a registry is checked.
    for n in range(len(offices), count):
        office_type = OfficeType.PRIMARY if n % 4 else OfficeType.SECONDARY
        prefix = "สพป." if office_type is OfficeType.PRIMARY else "สพม."
        offices.append(Office(f"T{n + 1:05d}", f"{prefix}ทดสอบ {n + 1}", office_type, "ทดสอบ"))
    return offices[:count]


def _clamp(indicator: Indicator, value: float) -> float:
    # Sample data is made up, so plain floats are fine here (what an office types is text).
    low, high = indicator.value_range
    if low is not None:
        value = max(float(low), value)
    if high is not None:
        value = min(float(high), value)
    return round(value, 2)


def _office_target(indicator: Indicator, rng: random.Random) -> float:
    """A target an office would set for itself."""
    if indicator.unit == "percent":
        return float(rng.choice((80, 85, 90, 95)))
    return float(rng.randint(5, 30))


def _value_for_target(
    indicator: Indicator, target: float, maturity: float, rng: random.Random
) -> float:
    """A result whose success rate against ``target`` grows with the office's maturity."""
    success = min(115.0, max(40.0, rng.gauss(75 + 35 * maturity, 8)))
    if indicator.direction is Direction.LOWER:
        success = 200 - success
    return _clamp(indicator, target * success / 100)


def _value_at_level(indicator: Indicator, level: float, rng: random.Random) -> float:
    # Sample data is made up, so plain floats are fine here (what an office types is text).
    t = [float(x) for x in indicator.thresholds or []]
    sign = 1 if indicator.direction is Direction.HIGHER else -1
    if level < 1:
        value = t[0] - sign * abs(t[1] - t[0]) * rng.uniform(0.2, 2.0)
    elif level >= 5:
        value = t[4] + sign * abs(t[4] - t[3]) * rng.uniform(0, 0.5)
    else:
        i = int(level) - 1
        value = t[i] + (level - int(level)) * (t[i + 1] - t[i])
    return _clamp(indicator, value)


def _fill(
    wb_sheets: dict[str, Worksheet],
    layout: TemplateLayout,
    rubric: Rubric,
    office: Office,
    rng: random.Random,
) -> dict[str, object]:
    """Answer every item as an office of some maturity would; returns the indicator values."""
    maturity = rng.betavariate(4, 2)
    pmqa, kpis = wb_sheets[SHEET_PMQA], wb_sheets.get(SHEET_INDICATORS)
    pc, ic = layout.pmqa_columns, layout.indicator_columns
    chance = {"basic": 0.55 + 0.45 * maturity, "advance": 0.15 + 0.75 * maturity}
    for issue in rubric.issues:
        lower_complete = True
        for tier in issue.tiers:
            p = chance.get(tier.id, 0.05 + 0.6 * maturity)
            tier_complete = True
            for criterion in tier.criteria:
                met = lower_complete and rng.random() < p
                tier_complete = tier_complete and met
                row = layout.pmqa_rows[criterion.id]
                pmqa.cell(row=row, column=pc["answer"]).value = YES_NO[0] if met else YES_NO[1]
                if met:
                    reference = rng.choice(
                        (
                            f"https://drive.obec.example/{office.code}/{criterion.id}",
                            f"คำสั่ง{office.name} ที่ {rng.randint(1, 400)}/{rubric.fiscal_year}",
                            f"รายงานผลการดำเนินงาน {criterion.id} (ไฟล์แนบ)",
                        )
                    )
                    pmqa.cell(row=row, column=pc["evidence"]).value = reference
            lower_complete = lower_complete and tier_complete
    values: dict[str, object] = {}
    for indicator in rubric.indicators:
        assert kpis is not None  # a rubric with indicators has the indicator sheet
        if not indicator.applies(office.type):
            continue
        row = layout.indicator_rows[indicator.id]
        level = min(5.0, max(0.0, rng.gauss(1 + 4 * maturity, 0.8)))
        if indicator.na_allowed and rng.random() < 0.1:
            kpis.cell(row=row, column=ic["na"]).value = NA_MARK
            continue
        value: object
        if indicator.method is Method.STEPS:
            value = round(level)
        elif indicator.method is Method.PASS_FAIL:
            value = YES_NO[0] if rng.random() < 0.3 + 0.6 * maturity else YES_NO[1]
        elif indicator.method is Method.TARGET_RATIO:
            target = indicator.rubric_target
            if target is None:
                own = _office_target(indicator, rng)
                kpis.cell(row=row, column=ic["target"]).value = own
                value = _value_for_target(indicator, own, maturity, rng)
            else:
                value = _value_for_target(indicator, float(target), maturity, rng)
        else:
            value = _value_at_level(indicator, level, rng)
        kpis.cell(row=row, column=ic["value"]).value = value
        kpis.cell(
            row=row, column=ic["evidence"]
        ).value = f"แบบรายงาน {indicator.id} ปี {rubric.fiscal_year}"
        values[indicator.id] = value
    return values


def _office_details(
    ws: Worksheet, layout: TemplateLayout, office: Office, rng: random.Random
) -> None:
    col = layout.office_value_column
    name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    details: dict[str, object] = {
        "contact_name": name,
        "contact_phone": f"0 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}",
        "contact_email": f"plan.{office.code.lower()}@obec.example",
        "submitted_on": datetime(2024, 8, 1) + timedelta(days=rng.randint(0, 45)),
    }
    for key, value in details.items():
        ws.cell(row=layout.office_rows[key], column=col).value = value  # type: ignore[assignment]


def _plant(
    kind: str,
    sheets: dict[str, Worksheet],
    layout: TemplateLayout,
    rubric: Rubric,
    office: Office,
    values: dict[str, object],
    rng: random.Random,
) -> str | None:
    """Make one mistake of ``kind``; returns the item it touched (None: the rubric has nothing
    this kind of mistake can be made in, such as a number cell in a rubric of categories 1-6)."""
    pmqa, kpis = sheets[SHEET_PMQA], sheets.get(SHEET_INDICATORS)
    ic, pc = layout.indicator_columns, layout.pmqa_columns
    numeric = [
        i
        for i in rubric.indicators
        if i.method is Method.INTERPOLATE and isinstance(values.get(i.id), float)
    ]
    if kind == "missing-answer":
        # Blank an unmet criterion (or a top-tier one): blanking a met lower-tier criterion
        # would also, rightly, gate the tiers above it and give a second finding.
        unmet = [
            c.id
            for _, _, c in rubric.criteria()
            if pmqa.cell(row=layout.pmqa_rows[c.id], column=pc["answer"]).value == YES_NO[1]
        ]
        top_tier = [c.id for issue in rubric.issues for c in issue.tiers[-1].criteria]
        criterion_id = rng.choice(unmet or top_tier)
        row = layout.pmqa_rows[criterion_id]
        pmqa.cell(row=row, column=pc["answer"]).value = None
        pmqa.cell(row=row, column=pc["evidence"]).value = None
        return criterion_id
    if kind in ("text-in-number", "thai-digits", "percent-as-fraction") and (
        kpis is None or not numeric
    ):
        return None
    assert kpis is not None
    if kind == "text-in-number":
        indicator = rng.choice(numeric)
        value = kpis.cell(row=layout.indicator_rows[indicator.id], column=ic["value"])
        value.value = f"ประมาณ {value.value}"
        return indicator.id
    if kind == "thai-digits":
        indicator = rng.choice(numeric)
        value = kpis.cell(row=layout.indicator_rows[indicator.id], column=ic["value"])
        value.value = f"{value.value:,.2f}".translate(_THAI_DIGITS)
        return indicator.id
    if kind == "percent-as-fraction":
        candidates = [
            i
            for i in numeric
            if i.unit == "percent" and min(i.thresholds or [Decimal(0)]) >= 10 and values[i.id] != 0
        ]
        if not candidates:
            return None
        indicator = rng.choice(candidates)
        value = kpis.cell(row=layout.indicator_rows[indicator.id], column=ic["value"])
        value.value = round(float(values[indicator.id]) / 100, 4)  # type: ignore[arg-type]
        return indicator.id
    if kind == "reordered-rows":
        ids = list(layout.pmqa_rows)
        first, second = rng.sample(ids, 2)
        a, b = layout.pmqa_rows[first], layout.pmqa_rows[second]
        for col in pc.values():
            upper, lower = pmqa.cell(row=a, column=col), pmqa.cell(row=b, column=col)
            if upper.data_type == "f":
                # A spreadsheet's sort keeps a row's own formula pointing at its own row.
                continue
            upper.value, lower.value = lower.value, upper.value
        return f"{first}<->{second}"
    raise AssertionError(f"unknown mistake {kind}")  # pragma: no cover


def _write_one(
    rubric: Rubric, office: Office, n: int, seed: int, out_dir: Path
) -> PlantedMistake | None:
    """Write the sample file of the n-th office; returns the mistake planted in it, if any."""
    office_rng = random.Random(f"{seed}:{office.code}")
    kinds = list(MISTAKES)
    kind = kinds[(n // 3) % len(kinds)] if n % 3 == 1 else None
    gap_after = None
    if kind == "extra-blank-row":
        gap_after = office_rng.choice([c.id for _, _, c in rubric.criteria()])
    wb, layout = build_template(rubric, office, gap_after=gap_after)
    sheets: dict[str, Worksheet] = {}
    for ws in wb.worksheets:
        if isinstance(ws, Worksheet):
            sheets[ws.title] = ws
    values = _fill(sheets, layout, rubric, office, office_rng)
    _office_details(sheets["ข้อมูลหน่วยงาน"], layout, office, office_rng)
    name = f"{office.code}.xlsx"
    planted = None
    if kind is not None:
        item = gap_after or _plant(kind, sheets, layout, rubric, office, values, office_rng)
        if item is not None:
            planted = PlantedMistake(name, kind, item, MISTAKES[kind])
    save_atomic(wb, out_dir / name, kind=Kind.SAMPLE, stamp=datetime(2024, 9, 30, 16, 30))
    return planted


def generate_samples(
    rubric: Rubric,
    registry: Registry,
    count: int,
    out_dir: Path,
    seed: int = 2567,
    jobs: int = 1,
) -> list[PlantedMistake]:
    """Write ``count`` filled submissions into ``out_dir``; returns the mistakes planted.

    Each file depends only on the seed and its office, so ``jobs`` processes give the same
    files as one.
    """
    if not 1 <= count <= _MAX_COUNT:
        raise UsageError(
            f"--count must be between 1 and {_MAX_COUNT:,}.",
            th=f"--count ต้องอยู่ระหว่าง 1 ถึง {_MAX_COUNT:,}",
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"{out_dir} exists and is not a folder.",
            th=f"มี {out_dir} อยู่แล้วและไม่ใช่โฟลเดอร์ ระบุโฟลเดอร์ใน --out",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    offices = _offices(registry, count, random.Random(seed))
    if jobs <= 1 or count < 20:
        found = [_write_one(rubric, office, n, seed, out_dir) for n, office in enumerate(offices)]
    else:
        context = multiprocessing.get_context(portable.start_method())  # spawn on Windows
        pool = ProcessPoolExecutor(jobs, context, initializer=portable.exit_with_parent)
        try:
            futures = [
                pool.submit(_write_one, rubric, office, n, seed, out_dir)
                for n, office in enumerate(offices)
            ]
            found = [f.result() for f in futures]
        finally:  # stopped (Ctrl+C, SIGTERM, a full disk): the files not yet begun are not
            pool.shutdown(wait=True, cancel_futures=True)
    return [p for p in found if p is not None]
