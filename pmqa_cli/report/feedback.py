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

from pmqa_cli.assess.aggregate import ratio_needed
from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.guidance import NextStep, issue_next_tier, next_level
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
from pmqa_cli.report.outputs import output_timestamp
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.standing import Standing
from pmqa_cli.report.standing_sheet import standing_sheet
from pmqa_cli.report.tables import OFFICE_FINDING_COLUMNS, Located, finding_rows
from pmqa_cli.report.text_width import break_at_spaces
from pmqa_cli.report.xlsx_sheet import HEADER, Book, Sheet, Style
from pmqa_cli.rubric import units
from pmqa_cli.rubric.model import Aggregation, Criterion, Direction, Indicator, Method, Rubric

__all__ = [
    "IndicatorNextLevel",
    "IssueNextStep",
    "indicator_next_level",
    "issue_next_step",
    "write_feedback",
]

WRAP = Style(wrap=True, valign="top")
UNKNOWN_GAIN = "ทราบเมื่อแก้ค่าแล้ว"
#: A table's cells: a grid line round each, text wrapped from the top.
CELL = WRAP.but(border=True)
CENTRE = CELL.but(align="center")
INDENTED = CELL.but(indent=1)


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
    found = issue_next_tier(rubric, result)
    if found is None:
        return IssueNextStep(None, "", ())
    return IssueNextStep(found.tier.id, rubric.tier_default(found.tier.id).title_th, found.unmet)


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
    level = next_level(indicator, result)
    if level is None:
        return IndicatorNextLevel(None, "")
    if indicator.method is Method.STEPS:
        return IndicatorNextLevel(level, f"{level} ขั้นตอน")
    if indicator.method is Method.PASS_FAIL:
        return IndicatorNextLevel(level, "ผ่าน")
    if indicator.method is Method.TARGET_RATIO:
        target = "" if rubric is None else _ratio_target_value(rubric, indicator, result, level)
        return IndicatorNextLevel(level, target)
    threshold = (indicator.thresholds or [])[level - 1]
    sign = "≥" if indicator.direction is Direction.HIGHER else "≤"
    return IndicatorNextLevel(level, f"{sign} {threshold:g}")


def _table(ws: Sheet, headers: list[tuple[str, float]]) -> None:
    """The header row of a sheet's table (row 1: frozen, printed on every page)."""
    for col, (text, width) in enumerate(headers, start=1):
        ws.put(1, col, text, HEADER)
        ws.width(col, width)
    ws.fit_row_height(1, {n: w for n, (_, w) in enumerate(headers, start=1)})
    ws.setup(freeze=2)


def _cells(
    ws: Sheet, row: int, values: list[object], number_format: str,
    styles: Mapping[int, Style] | None = None,
) -> None:  # fmt: skip
    """A row of a table; ``styles``: a column's own style where the usual one does not fit."""
    number = CELL.but(num_format=number_format)
    for col, value in enumerate(values, start=1):
        # "-" (nothing to show) centred: never run into the number of the column before.
        style = number if isinstance(value, float) else CENTRE if value == "-" else CELL
        ws.put(row, col, value, (styles or {}).get(col, style))
    ws.fit_row_height(row, {n: ws.widths.get(n, 10) for n in range(1, len(values) + 1)})


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
    wb = Book()
    summary = wb.sheet("สรุปผล")
    for col, width in enumerate((34, 40 if standing else 70, 18, 18), start=1):
        summary.width(col, width)
    # The long title wraps inside the table's width rather than running off to the right.
    # The title in lines broken at its spaces: left to wrap itself, Thai breaks inside words.
    title = break_at_spaces(f"ผลการประเมิน {rubric.title_th}", 44)
    summary.put(1, 1, title, WRAP.but(bold=True, size=20))
    summary.merge(1, 1, 1, 2)
    summary.fit_row_height(1, {1: 34 + (40 if standing else 70)})
    summary.setup(landscape=False)
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
            summary.put(row, col, text, HEADER)
        summary.fit_row_height(row, {1: 34, 2: 40, 3: 18, 4: 18})
        row += 1
    label_style, bordered = Style(bold=True, border=True), Style(border=True)
    for label, value in lines:
        summary.put(row, 1, label, label_style)
        summary.put(row, 2, value, _number(CELL, value, number_format))
        if standing is not None:
            key = keys.get(label)
            for col, of_type in ((3, False), (4, True)):
                mean = _mean(standing, key, of_type) if key else ""
                summary.put(row, col, mean, _number(bordered, mean, number_format))
        summary.fit_row_height(row, {1: 34, 2: 40 if standing else 70})
        row += 1
    if result is not None:
        for note in ((NO_PEERS,) if standing is None else ()) + (GAIN_NOTE,):
            row += 1
            summary.put(row, 1, note, WRAP.but(size=14, color="595959"))
            summary.merge(row, 1, row, 4 if standing else 2)
            summary.fit_row_height(row, {1: 104})
    if result is not None:
        _steps_sheet(wb.sheet("ขั้นต่อไป"), scored.steps or (), number_format)
        issues = wb.sheet("PMQA 4.0")
        _issues_sheet(issues, rubric, result.issues, number_format, standing)
        if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
            fixes = {s.item_id: s.cell for s in scored.steps or () if s.kind == "fix"}
            _indicators_sheet(wb.sheet("ตัวชี้วัด"), rubric, result.indicators,
                              number_format, standing, fixes)  # fmt: skip
        _chart_sheet(wb, issues, rubric, standing)
        if standing is not None and result.overall is not None and any(standing.distribution):
            standing_sheet(wb, wb.sheet("ตำแหน่ง"), standing, result.overall, decimals,
                           bool(provisional_reasons(scored, True)))  # fmt: skip
    if scored.verification_applied and _verification_rows(scored):
        _verification_sheet(wb.sheet("ผลการตรวจสอบ"), scored, number_format)
    _findings_sheet(wb.sheet("ปัญหาที่พบ"), scored)
    office_name = f"{office.code} {office.name}".strip()
    when = output_timestamp()
    for ws in wb.sheets:
        # The header and footer sized for the scale the sheet prints at.
        ws.finish(page_marks(f"ผลการประเมิน: {ws.name}", rubric.fiscal_year, office=office_name,
                             when=when, scale=ws.printed_scale()))  # fmt: skip
    wb.save(path, kind=Kind.FEEDBACK, title=f"ผลการประเมิน {office_name}", when=when)


def _number(style: Style, value: object, number_format: str) -> Style:
    """``style``, in the scores' number format when ``value`` is a number."""
    return style.but(num_format=number_format) if isinstance(value, float) else style


def _steps_sheet(ws: Sheet, steps: Sequence[NextStep], number_format: str) -> None:
    """Each next step and the points it adds to the overall score, largest first."""
    _table(ws, [("ลำดับ", 7), ("รหัส", 11), ("รายการ", 36), ("เป้าหมาย", 16),
                   ("สิ่งที่ต้องทำ", 60), ("คะแนนรวมเพิ่มขึ้น", 13),
                   ("คะแนนรวมหลังทำ", 13)])  # fmt: skip
    if not steps:
        ws.put(2, 1, "ผ่านครบทุกระดับแล้ว ไม่มีขั้นต่อไป", WRAP)
        ws.merge(2, 1, 2, 7)
        ws.fit_row_height(2, {1: 100})
    first = {1: CENTRE.but(num_format="0")}  # never "1KPI-7.1.1"
    for row, step in enumerate(steps, start=2):
        # A value to fix that holds no number pmqa can take: its worth is not known yet.
        gain = UNKNOWN_GAIN if step.gain is None else float(step.gain)
        after = UNKNOWN_GAIN if step.overall_after is None else float(step.overall_after)
        values: list[object] = [row - 1, step.item_id, step.title_th, step.goal_th, step.todo_th,
                                gain, after]  # fmt: skip
        _cells(ws, row, values, number_format, first)
    ws.fit_one_page()


def _chart_sheet(wb: Book, source: Sheet, rubric: Rubric, standing: Standing | None) -> None:
    """A native bar chart of the issue scores (``source``: the sheet PMQA 4.0), beside the
    national mean when there is one."""
    ws = wb.sheet("กราฟ")
    count = len(rubric.issues)
    chart = wb.chart({"type": "bar"})
    name = "คะแนนรายประเด็นเทียบค่าเฉลี่ยทั้งประเทศ" if standing else "คะแนนรายประเด็น"
    chart.set_title({"name": name})
    for col in range(3, 5 if standing is not None else 4):  # D: the office's, E: the mean
        chart.add_series({
            "name": [source.name, 0, col],
            "categories": [source.name, 1, 0, count, 0],
            "values": [source.name, 1, col, count, col],
        })  # fmt: skip
    # A bar chart's x axis is its values; its y axis, the issues (the first at the top).
    chart.set_x_axis({"name": "คะแนน (0-500)", "min": 0, "max": 500, "major_unit": 100,
                      "num_format": "0"})  # fmt: skip
    chart.set_y_axis({"reverse": True})
    ws.insert_chart(1, 1, chart, (_pixels(24), _pixels(max(10.0, 1.2 * count))))
    ws.setup()


def _pixels(cm: float) -> float:
    """A length on paper in xlsxwriter's pixels (96 to the inch)."""
    return cm / 2.54 * 96


def _signed(value: Decimal, decimals: int) -> str:
    return show_number(value, Shown.CHANGE, decimals)


def _issues_sheet(
    ws: Sheet,
    rubric: Rubric,
    issues: tuple[IssueScore, ...],
    number_format: str,
    standing: Standing | None = None,
) -> None:
    means = [("เฉลี่ยทั้งประเทศ", 12), (f"เฉลี่ย {standing.office_type}".strip(), 12)] if standing else []
    _table(
        ws,
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
    ws.fit_one_page()


def _indicators_sheet(
    ws: Sheet,
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
        styles: dict[int, Style] = {}
        # The value in its unit's format (85.57, 4, ผ่าน, 1,250.00).
        if result.value is not None:
            styles[5] = CELL.but(num_format=units.excel_format(kind, rubric))
        if isinstance(level, float):
            styles[6] = CELL.but(num_format=level_format)
        # The whole next level centred and its target set in from the left: never "44 ขั้นตอน".
        styles[len(values) - 1] = CENTRE
        if target != "-":
            styles[len(values)] = INDENTED
        _cells(ws, row, values, number_format, styles)
    ws.fit_one_page()


def _findings_sheet(ws: Sheet, office: ScoredOffice) -> None:
    columns = OFFICE_FINDING_COLUMNS
    _table(ws, [(c.header, c.width) for c in columns])
    if not office.findings:
        ws.put(2, 1, "ไม่พบปัญหา", WRAP)
        ws.merge(2, 1, 2, len(columns))
        ws.fit_row_height(2, {1: 100})
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


def _verification_sheet(ws: Sheet, scored: ScoredOffice, number_format: str) -> None:
    """What the committee, central data and corrections changed, with the comments."""
    _table(
        ws,
        [("รหัส", 12), ("ที่รายงาน", 14), ("ค่าที่ใช้", 14), ("ที่มา", 20), ("ผลการตรวจ", 12),
         ("ความเห็นกรรมการ / เหตุผล", 50), ("ผู้ตรวจ", 18), ("ผลต่อคะแนนรวม", 14)],
    )  # fmt: skip
    for row, values in enumerate(_verification_rows(scored), start=2):
        _cells(ws, row, values, number_format)
    ws.fit_one_page()
