"""One office's feedback workbook: its scores, and what to do next.

What to do next is computed here as plain data (:func:`issue_next_step`,
:func:`indicator_next_level`) and written by :func:`write_feedback`: the unmet criteria that
stand between each issue and its next tier, and the value each indicator needs for its next level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.aggregate import ratio_needed
from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.guidance import NextStep
from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.assess.scores import IndicatorScore, IssueScore
from pmqa_cli.assess.trace import Change, ItemTrace, Layer, shown_value
from pmqa_cli.core.numbers import (
    Shown,
    as_decimal,
    exact,
    excel_format,
    format_number,
    json_number,
    round_half_up,
    show_number,
)
from pmqa_cli.core.thai import thai_datetime
from pmqa_cli.io.mark import Kind
from pmqa_cli.report.feedback_status import provisional_reasons, write_status
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.standing import Standing
from pmqa_cli.report.standing_sheet import standing_sheet
from pmqa_cli.report.tables import OFFICE_FINDING_COLUMNS, Located, finding_rows
from pmqa_cli.report.writer import (
    body_font,
    break_at_spaces,
    fit_one_page,
    fit_row_height,
    header_style,
    mark_pages,
    output_timestamp,
    put,
    save_atomic,
    setup_page,
    thin_border,
)
from pmqa_cli.rubric import units
from pmqa_cli.rubric.model import Aggregation, Criterion, Direction, Indicator, Method, Rubric

__all__ = [
    "IndicatorNextLevel",
    "IssueNextStep",
    "indicator_next_level",
    "issue_next_step",
    "write_feedback",
]

WRAP = Alignment(wrap_text=True, vertical="top")
UNKNOWN_GAIN = "ทราบเมื่อแก้ค่าแล้ว"
CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
INDENTED = Alignment(wrap_text=True, vertical="top", indent=1)


@dataclass(frozen=True)
class IssueNextStep:
    """The tier an issue should reach next and the criteria still unmet for it."""

    tier_id: str | None  # None when the issue is at its top tier
    tier_th: str
    unmet: tuple[Criterion, ...]


@dataclass(frozen=True)
class IndicatorNextLevel:
    """The next whole level of an indicator and the value that reaches it."""

    level: int | None  # None at the top level, or when the indicator does not count
    target: str  # e.g. "≥ 85", "≤ 0.6", "4 ขั้นตอน", "ผ่าน"


def issue_next_step(rubric: Rubric, result: IssueScore) -> IssueNextStep:
    """The lowest incomplete tier blocks everything above it: its unmet criteria come next."""
    issue = next(i for i in rubric.issues if i.id == result.id)
    met = {c.id: c.met for c in result.criteria}
    for tier in issue.tiers:
        unmet = tuple(c for c in tier.criteria if not met.get(c.id))
        if unmet:
            return IssueNextStep(tier.id, rubric.tier_default(tier.id).title_th, unmet)
    return IssueNextStep(None, "", ())


def _ratio_target_value(
    rubric: Rubric, indicator: Indicator, result: IndicatorScore, level: int
) -> str:
    """The result a target-ratio indicator needs for a level, from its target and the bands."""
    needed = ratio_needed(rubric.ratio_bands(indicator), rubric.scoring.level_scores[level - 1])
    if needed is None or result.target is None:
        return ""
    rate, strict = needed
    target = exact(result.target)
    if indicator.direction is Direction.HIGHER:
        value, sign = rate * target / 100, ">" if strict else "≥"
    else:
        value, sign = (200 - rate) * target / 100, "<" if strict else "≤"
    shown = f"{round_half_up(value, 2).normalize():f}"
    return f"{sign} {shown} (ร้อยละ {round_half_up(rate, 2).normalize():f} ของเป้าหมาย)"


def indicator_next_level(
    indicator: Indicator, result: IndicatorScore, rubric: Rubric | None = None
) -> IndicatorNextLevel:
    """The value an indicator needs to reach its next whole level (a target-ratio indicator
    needs ``rubric`` for its bands)."""
    if not result.applies:
        return IndicatorNextLevel(None, "")
    current = result.whole_level  # from the exact level: 2.99999 is level 2, 3 is level 3
    if current >= 5:
        return IndicatorNextLevel(None, "")
    level = current + 1
    if indicator.method is Method.STEPS:
        return IndicatorNextLevel(level, f"{level} ขั้นตอน")
    if indicator.method is Method.PASS_FAIL:
        return IndicatorNextLevel(5, "ผ่าน")
    if indicator.method is Method.TARGET_RATIO:
        target = "" if rubric is None else _ratio_target_value(rubric, indicator, result, level)
        return IndicatorNextLevel(level, target)
    threshold = (indicator.thresholds or [])[level - 1]
    sign = "≥" if indicator.direction is Direction.HIGHER else "≤"
    return IndicatorNextLevel(level, f"{sign} {threshold:g}")


def _table(ws: Worksheet, row: int, headers: list[tuple[str, float]]) -> None:
    for col, (text, width) in enumerate(headers, start=1):
        put(ws, row, col, text, **header_style())
        ws.column_dimensions[chr(64 + col)].width = width
    fit_row_height(ws, row, {n: w for n, (_, w) in enumerate(headers, start=1)})
    setup_page(ws, freeze=f"A{row + 1}", header_row=row)


def _cells(ws: Worksheet, row: int, values: list[object], number_format: str) -> None:
    for col, value in enumerate(values, start=1):
        # "-" (nothing to show) centred: never run into the number of the column before.
        cell = put(ws, row, col, value, border=thin_border(),
                   alignment=CENTRE if value == "-" else WRAP)  # fmt: skip
        if isinstance(value, float):
            cell.number_format = number_format
    widths = {n: ws.column_dimensions[chr(64 + n)].width or 10 for n in range(1, len(values) + 1)}
    fit_row_height(ws, row, widths)


NO_PEERS = (
    "อันดับและค่าเฉลี่ยเทียบกับหน่วยงานอื่นไม่แสดงในไฟล์นี้ เพราะประเมินหน่วยงานนี้เพียงหน่วยงานเดียว "
    "จะแสดงเมื่อประเมินพร้อมหน่วยงานอื่นทั้งหมด"
)
GAIN_NOTE = (
    "แผ่นงาน 'ขั้นต่อไป': คะแนนรวมที่เพิ่มขึ้นของแต่ละขั้นคำนวณโดยประเมินคะแนนใหม่ทั้งหมดเมื่อทำขั้นนั้น"
    "สำเร็จ (ขั้นอื่นคงเดิม) เรียงจากขั้นที่เพิ่มคะแนนรวมมากที่สุด"
)


def _mean(standing: Standing | None, key: str, of_type: bool = False) -> object:
    """The national (or type) mean of an item, as a float for Excel; "-" when none."""
    if standing is None:
        return None
    value = (standing.of_type if of_type else standing.national).get(key)
    return "-" if value is None else float(value)


def _n(value: Decimal | None) -> float | None:
    """A reported (already rounded) number as a spreadsheet cell."""
    return json_number(value)


def write_feedback(
    scored: ScoredOffice, rubric: Rubric, path: Path, standing: Standing | None = None
) -> None:
    """Write the feedback workbook of one scored office.

    Every number is the scored office's own, already rounded once: the same digits as
    results.xlsx, the JSON and the terminal. ``scored`` must carry its next steps
    (``scored_office(..., steps=True)``). ``standing`` (from a batch) adds the office's ranks
    and the national and type means beside each part, issue and indicator; without it (a
    single ``pmqa score -o``) they are left out and the summary says so.
    """
    if scored.readable and scored.steps is None:
        raise ValueError("write_feedback needs the office's next steps: score it with steps=True")
    result = scored.scores
    decimals = rubric.scoring.decimals
    number_format = excel_format(Shown.SCORE, decimals)
    office = scored.office
    type_th = office.type.abbrev_th if office.type else ""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "สรุปผล"
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 40 if standing else 70
    summary.column_dimensions["C"].width = 18
    summary.column_dimensions["D"].width = 18
    # The long title wraps inside the table's width rather than running off to the right.
    # The title in lines broken at its spaces: left to wrap itself, Thai breaks inside words.
    title = break_at_spaces(f"ผลการประเมิน {rubric.title_th}", 44)
    put(summary, 1, 1, title, font=body_font(bold=True, size=20), alignment=WRAP)
    summary.merge_cells("A1:B1")
    fit_row_height(summary, 1, {1: 34 + (40 if standing else 70)})
    setup_page(summary, landscape=False)
    lines: list[tuple[str, object]] = [
        ("หน่วยงาน", f"{office.code} {office.name}".strip()),
        ("ประเภท", office.type.abbrev_th if office.type else "-"),
        ("จังหวัด", office.province),
        ("ไฟล์ที่ประเมิน", scored.name),
        ("เกณฑ์", f"{rubric.id} ฉบับ {rubric.version}"),
        ("วันที่ประมวลผล", thai_datetime(output_timestamp())),
    ]
    if result is not None:
        lines += [
            ("คะแนนรวม (0-500)", _n(result.overall)),
            ("ระดับผลการประเมิน", result.band.label_th if result.band else "-"),
            ("สถานะ PMQA 4.0", result.status.label_th if result.status else "-"),
            ("คะแนนหมวด 1-6 (PMQA 4.0)", _n(result.pmqa.score)),
        ]
        if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            # The overall is the mean of these: each one is worth showing.
            lines += [
                (f"  คะแนนหมวด {c.id}", _n(c.score)) for c in result.categories if c.id != "7"
            ]
        if rubric.indicators:
            lines.append(("คะแนนหมวด 7 (ตัวชี้วัด)", _n(result.results.score)))
        own = scored.self_assessed
        if scored.verification_applied and own is not None:
            # The scores above are the verified (official) ones; what the office claimed:
            lines += [
                ("คะแนนรวมที่ประเมินตนเอง", _n(own.overall)),
                ("ผลต่างจากที่ประเมินตนเอง", _n(scored.difference)),
            ]
            if rubric.indicators:
                pmqa, results = (format_number(p.score, decimals) or "-"
                                 for p in (own.pmqa, own.results))  # fmt: skip
                lines.append(("หมวด 1-6 / 7 (ประเมินตนเอง)", f"{pmqa} / {results}"))
    if result is not None and standing is not None:
        # A provisional result's rank is provisional too: said beside it.
        mark = " (ผลเบื้องต้น)" if provisional_reasons(scored, True) else ""
        lines += [
            ("อันดับ (ทั้งประเทศ)", f"{standing.rank or '-'} จาก {standing.offices}{mark}"),
            (f"อันดับในประเภท ({type_th or '-'})",
             f"{standing.rank_in_type or '-'} จาก {standing.offices_of_type}{mark}"),
        ]  # fmt: skip
        if standing.change is not None:
            lines.append((f"คะแนนรวมเปลี่ยนจาก {standing.previous_label or 'ครั้งก่อน'}",
                          _signed(standing.change, decimals)))  # fmt: skip
    lines += [("ข้อผิดพลาด / คำเตือน", f"{scored.errors} / {scored.warnings}")]
    keys = {"คะแนนรวม (0-500)": "overall", "คะแนนหมวด 1-6 (PMQA 4.0)": "pmqa",
            "คะแนนหมวด 7 (ตัวชี้วัด)": "results"}  # fmt: skip
    # First: final or provisional, why, and what to fix.
    row = write_status(summary, 3, scored, standing is not None, 4 if standing else 2,
                       110 if standing else 104)  # fmt: skip
    if standing is not None:
        for col, text in enumerate(("รายการ", "ของหน่วยงาน", "เฉลี่ยทั้งประเทศ",
                                    f"เฉลี่ย {type_th}".strip()), start=1):  # fmt: skip
            put(summary, row, col, text, **header_style())
        fit_row_height(summary, row, {1: 34, 2: 40, 3: 18, 4: 18})
        row += 1
    for label, value in lines:
        put(summary, row, 1, label, font=body_font(bold=True), border=thin_border())
        cell = put(summary, row, 2, value, border=thin_border(), alignment=WRAP)
        if isinstance(value, float):
            cell.number_format = number_format
        if standing is not None:
            key = keys.get(label)
            for col, of_type in ((3, False), (4, True)):
                mean = _mean(standing, key, of_type) if key else ""
                shown = put(summary, row, col, mean, border=thin_border())
                if isinstance(mean, float):
                    shown.number_format = number_format
        fit_row_height(summary, row, {1: 34, 2: 40 if standing else 70})
        row += 1
    if result is not None:
        for note in ((NO_PEERS,) if standing is None else ()) + (GAIN_NOTE,):
            row += 1
            put(summary, row, 1, note, alignment=WRAP, font=body_font(size=14, color="595959"))
            last = 4 if standing else 2
            summary.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            fit_row_height(summary, row, {1: 104})
    if result is not None:
        _steps_sheet(wb.create_sheet("ขั้นต่อไป"), scored.steps or (), number_format)
        _issues_sheet(wb.create_sheet("PMQA 4.0"), rubric, result.issues, number_format, standing)
        if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
            fixes = {s.item_id: s.cell for s in scored.steps or () if s.kind == "fix"}
            _indicators_sheet(wb.create_sheet("ตัวชี้วัด"), rubric, result.indicators,
                              number_format, standing, fixes)  # fmt: skip
        _chart_sheet(wb, rubric, standing)
        if standing is not None and result.overall is not None and any(standing.distribution):
            standing_sheet(wb.create_sheet("ตำแหน่ง"), standing, result.overall, decimals,
                           bool(provisional_reasons(scored, True)))  # fmt: skip
    if scored.verification_applied and _verification_rows(scored):
        _verification_sheet(wb.create_sheet("ผลการตรวจสอบ"), scored, number_format)
    _findings_sheet(wb.create_sheet("ปัญหาที่พบ"), scored)
    office_name = f"{office.code} {office.name}".strip()
    for ws in wb.worksheets:
        marks = page_marks(
            f"ผลการประเมิน: {ws.title}", rubric.fiscal_year, office=office_name,
            when=output_timestamp(),
        )  # fmt: skip
        mark_pages(ws, marks)
    save_atomic(wb, path, kind=Kind.FEEDBACK)


def _steps_sheet(ws: Worksheet, steps: Sequence[NextStep], number_format: str) -> None:
    """Each next step and the points it adds to the overall score, largest first."""
    _table(ws, 1, [("ลำดับ", 7), ("รหัส", 11), ("รายการ", 36), ("เป้าหมาย", 16),
                   ("สิ่งที่ต้องทำ", 60), ("คะแนนรวมเพิ่มขึ้น", 13),
                   ("คะแนนรวมหลังทำ", 13)])  # fmt: skip
    if not steps:
        put(ws, 2, 1, "ผ่านครบทุกระดับแล้ว ไม่มีขั้นต่อไป", alignment=WRAP)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=7)
        fit_row_height(ws, 2, {1: 100})
    for row, step in enumerate(steps, start=2):
        # A value to fix that holds no number pmqa can take: its worth is not known yet.
        gain = UNKNOWN_GAIN if step.gain is None else float(step.gain)
        after = UNKNOWN_GAIN if step.overall_after is None else float(step.overall_after)
        values: list[object] = [row - 1, step.item_id, step.title_th, step.goal_th, step.todo_th,
                                gain, after]  # fmt: skip
        _cells(ws, row, values, number_format)
        ws.cell(row=row, column=1).number_format = "0"
        ws.cell(row=row, column=1).alignment = CENTRE  # never "1KPI-7.1.1"
    fit_one_page(ws, landscape=True)


def _chart_sheet(wb: Workbook, rubric: Rubric, standing: Standing | None) -> None:
    """A native bar chart of the issue scores, beside the national mean when there is one."""
    source = wb["PMQA 4.0"]
    ws = wb.create_sheet("กราฟ")
    count = len(rubric.issues)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "คะแนนรายประเด็นเทียบค่าเฉลี่ยทั้งประเทศ" if standing else "คะแนนรายประเด็น"
    chart.y_axis.title = "คะแนน (0-500)"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 500
    chart.x_axis.scaling.orientation = "maxMin"  # the first issue at the top
    chart.y_axis.majorUnit = 100
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False  # openpyxl hides axes in Excel unless told otherwise
    chart.y_axis.delete = False
    last_col = 5 if standing is not None else 4
    data = Reference(source, min_col=4, max_col=last_col, min_row=1, max_row=count + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(source, min_col=1, min_row=2, max_row=count + 1))
    chart.width = 24
    chart.height = max(10.0, 1.2 * count)
    ws.add_chart(chart, "A1")
    setup_page(ws)


def _signed(value: Decimal, decimals: int) -> str:
    return show_number(value, Shown.CHANGE, decimals)


def _issues_sheet(
    ws: Worksheet,
    rubric: Rubric,
    issues: tuple[IssueScore, ...],
    number_format: str,
    standing: Standing | None = None,
) -> None:
    means = [("เฉลี่ยทั้งประเทศ", 12), (f"เฉลี่ย {standing.office_type}".strip(), 12)] if standing else []
    _table(
        ws,
        1,
        [("รหัส", 10), ("หมวด", 8), ("ประเด็น", 40), ("คะแนน", 12), *means, ("สถานะ", 18),
         ("ระดับถัดไป", 14), ("เกณฑ์ที่ยังไม่ผ่าน (ต้องทำให้ผ่านเพื่อขึ้นระดับถัดไป)", 70)],
    )  # fmt: skip
    titles = {i.id: i.title_th for i in rubric.issues}
    for row, result in enumerate(issues, start=2):
        step = issue_next_step(rubric, result)
        todo = "\n".join(f"{c.id} {c.text_th}" for c in step.unmet) or "ผ่านครบทุกระดับแล้ว"
        values: list[object] = [
            result.id,
            result.category,
            titles[result.id],
            float(result.score),
            *([_mean(standing, result.id), _mean(standing, result.id, True)] if standing else []),
            result.status_th,
            step.tier_th or "-",
            todo,
        ]
        _cells(ws, row, values, number_format)
    fit_one_page(ws, landscape=True)


def _indicators_sheet(
    ws: Worksheet,
    rubric: Rubric,
    indicators: tuple[IndicatorScore, ...],
    number_format: str,
    standing: Standing | None = None,
    fixes: Mapping[str, str] | None = None,
) -> None:
    """Each indicator's value, level, score and next level. ``fixes``: the cell of each value
    pmqa could not use: its next step is to fix it, not a level it may already have reached."""
    means = [("เฉลี่ยทั้งประเทศ", 12), (f"เฉลี่ย {standing.office_type}".strip(), 12)] if standing else []
    _table(
        ws,
        1,
        [("รหัส", 12), ("มิติ", 7), ("ตัวชี้วัด", 46), ("หน่วย", 10), ("ผลการดำเนินงาน", 14),
         ("ระดับ", 9), ("คะแนน", 12), *means, ("ระดับถัดไป", 11), ("ค่าที่ต้องทำได้", 20)],
    )  # fmt: skip
    level_format = units.excel_format(units.Kind.LEVEL, rubric)  # one format: every level
    for row, result in enumerate(indicators, start=2):
        indicator = rubric.indicator(result.id)
        kind = units.indicator_kind(indicator)
        nxt = indicator_next_level(indicator, result, rubric)
        fix = (fixes or {}).get(result.id)
        if not result.applies:
            score: object = "ไม่เกี่ยวข้อง" if result.not_applicable else "ไม่ประเมิน"
            level: object = "-"
        else:
            score, level = float(result.score), float(result.level)
        if fix is not None:
            next_level: object = "-"
            target = f"แก้ค่าในเซลล์ {fix} ก่อน (ดูขั้นต่อไป)"
        else:
            next_level = nxt.level if nxt.level is not None else "-"
            target = nxt.target or "-"
        values: list[object] = [
            result.id,
            result.dimension,
            indicator.title_th,
            "" if kind is units.Kind.PASS_FAIL else units.unit_label(indicator.unit),
            float(result.value) if result.value is not None else "-",
            level,
            score,
            *([_mean(standing, result.id), _mean(standing, result.id, True)] if standing else []),
            next_level,
            target,
        ]
        _cells(ws, row, values, number_format)
        # The value in its unit's format (85.57, 4, ผ่าน, 1,250.00).
        if result.value is not None:
            ws.cell(row=row, column=5).number_format = units.excel_format(kind, rubric)
        if isinstance(level, float):
            ws.cell(row=row, column=6).number_format = level_format
        # The whole next level centred and its target set in from the left: never "44 ขั้นตอน".
        ws.cell(row=row, column=len(values) - 1).alignment = CENTRE
        if target != "-":
            ws.cell(row=row, column=len(values)).alignment = INDENTED
    fit_one_page(ws, landscape=True)


def _findings_sheet(ws: Worksheet, office: ScoredOffice) -> None:
    columns = OFFICE_FINDING_COLUMNS
    _table(ws, 1, [(c.header, c.width) for c in columns])
    if not office.findings:
        put(ws, 2, 1, "ไม่พบปัญหา", alignment=WRAP)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
        fit_row_height(ws, 2, {1: 100})
    located = (Located(office.path, office.office.code, f) for f in office.findings)
    for row, values in enumerate(finding_rows(located, columns), start=2):
        _cells(ws, row, values, "General")


def _verification_rows(scored: ScoredOffice) -> list[list[object]]:
    """Items the verification touched: a verdict, a comment, or a value from another source;
    the comment column falls back to a change's reason, the reviewer to its author."""
    if scored.scores is None:
        return []
    traces: list[ItemTrace] = [c.trace for i in scored.scores.issues for c in i.criteria
                               if c.trace is not None]  # fmt: skip
    traces += [i.trace for i in scored.scores.indicators if i.trace is not None]
    by_item: dict[str, list[Change]] = {}
    for change in scored.changes:
        by_item.setdefault(change.item, []).append(change)
    rows: list[list[object]] = []
    for trace in traces:
        if trace.source is Layer.SELF and not trace.verdict and not trace.comment:
            continue
        # One row per item, from the claim to the value used: when several layers replaced it
        # (central data, then the committee), the effect is their sum, the item's net effect.
        chain = by_item.get(trace.item, [])
        effects = [as_decimal(c.effect) for c in chain if c.effect is not None]
        sources = [c.source for c in chain if c.source]
        reasons = [c.reason for c in chain if c.reason]
        people = [c.person for c in chain if c.person]
        rows.append(
            [
                trace.item, _value_text(trace.claim), _value_text(trace.final),
                trace.source_th + (f" ({', '.join(sources)})" if sources else ""),
                trace.verdict_th or "-",
                trace.comment or ("; ".join(reasons) or "-"),
                trace.reviewer or (", ".join(dict.fromkeys(people)) or "-"),
                float(sum(effects, Decimal(0))) if effects else "-",
            ]
        )  # fmt: skip
    return rows


def _value_text(value: object) -> str:
    if isinstance(value, IndicatorAnswer):
        return shown_value(answer=value)
    return shown_value(met=value if isinstance(value, bool) else None)


def _verification_sheet(ws: Worksheet, scored: ScoredOffice, number_format: str) -> None:
    """What the committee, central data and corrections changed, with the comments."""
    _table(
        ws,
        1,
        [("รหัส", 12), ("ที่รายงาน", 14), ("ค่าที่ใช้", 14), ("ที่มา", 20), ("ผลการตรวจ", 12),
         ("ความเห็นกรรมการ / เหตุผล", 50), ("ผู้ตรวจ", 18), ("ผลต่อคะแนนรวม", 14)],
    )  # fmt: skip
    for row, values in enumerate(_verification_rows(scored), start=2):
        _cells(ws, row, values, number_format)
    fit_one_page(ws, landscape=True)
