"""Rich rendering of a rubric: its summary, its problems, and its outline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pmqa_cli.cli.lang import current, tr
from pmqa_cli.cli.render import office_type as render_office_type
from pmqa_cli.cli.render import out_console, severity
from pmqa_cli.cli.thaitext import ThaiText
from pmqa_cli.rubric.model import (
    Aggregation,
    Indicator,
    Method,
    OfficeType,
    RatioBand,
    Rubric,
    RubricError,
    RubricProblem,
)
from pmqa_cli.rubric.units import indicator_kind, show, unit_label

__all__ = ["aggregation_line", "bands_line", "rubric_problems", "rubric_summary", "rubric_tree"]


def _problem_lines(problems: Iterable[RubricProblem]) -> Group:
    """Rubric problems, one block each: severity and YAML path, then the message."""
    blocks: list[Any] = []
    for p in problems:
        where = tr(p.path_th or p.path, p.path) or tr("(ทั้งไฟล์)", "(file)")
        head = severity(p.severity) + Text("  ") + Text(where)
        message = tr(p.th or p.message, p.message)
        blocks += [ThaiText(head), Padding(ThaiText(message), (0, 0, 0, 2), expand=False)]
    return Group(*blocks)


def rubric_problems(exc: RubricError) -> None:
    """Every problem of a broken rubric, with its YAML path."""
    console = out_console()
    errors = sum(1 for p in exc.problems if p.severity == "error")
    console.print(
        ThaiText(
            tr(f"เกณฑ์ {exc.source} มีข้อผิดพลาด {errors} รายการ",
               f"The rubric {exc.source} has {errors} error(s)."),
            style="bold red",
        )
    )  # fmt: skip
    console.print(_problem_lines(exc.problems))
    console.print(
        ThaiText(
            tr("แก้ไขในไฟล์ YAML (ดู docs/rubric-format.md) แล้วตรวจสอบอีกครั้ง",
               "Fix them in the YAML file (see docs/rubric-format.md) and run the check again.")
        )
    )  # fmt: skip


def _weights_line(rubric: Rubric) -> str:
    parts = []
    for office_type in OfficeType:
        total = sum(i.weight for i in rubric.indicators if i.applies(office_type))
        parts.append(f"{render_office_type(office_type)} {total:g}")
    return ", ".join(parts)


def _pairs(rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value, two columns without borders; the value wraps between words."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, ThaiText(value))
    return table


def _draft_note(console: Console, rubric: Rubric) -> None:
    """The rubric's note on where its content comes from: for analysts, never for offices."""
    if rubric.source_note:
        console.print(ThaiText(tr("หมายเหตุเกณฑ์: ", "About this rubric: ") + rubric.source_note,
                               style="yellow"))  # fmt: skip


def rubric_summary(rubric: Rubric, warnings: list[RubricProblem]) -> None:
    """The summary of a rubric that loaded cleanly."""
    console = out_console()
    categories = sorted({i.category for i in rubric.issues})
    dimensions = sorted({i.dimension for i in rubric.indicators})
    methods = Counter(tr(_method_label(i.method), i.method.value) for i in rubric.indicators)
    console.print(
        ThaiText(
            Text(tr("ผ่าน ", "OK "), style="bold green")
            + Text(f"{rubric.id} {tr('ฉบับ', 'version')} {rubric.version} "
                   f"({tr('ปีงบประมาณ', 'FY')} {rubric.fiscal_year}) "
                   f"{tr(rubric.title_th, rubric.title_en)}")
        )
    )  # fmt: skip
    criteria = sum(1 for _ in rubric.criteria())
    cats = ", ".join(str(c) for c in categories)
    console.print(
        _pairs(
            [
                (tr("ประเด็น (หมวด 1-6)", "Issues (categories 1-6)"),
                 tr(f"{len(rubric.issues)} ประเด็น ในหมวด {cats}; {criteria} เกณฑ์",
                    f"{len(rubric.issues)} issues across categories {cats}; {criteria} criteria")),
                (tr("ตัวชี้วัด (หมวด 7)", "Indicators (category 7)"),
                 (tr(f"{len(rubric.indicators)} ตัวชี้วัด ในมิติ {', '.join(dimensions)}; ",
                     f"{len(rubric.indicators)} indicators across dimensions "
                     f"{', '.join(dimensions)}; ")
                  + ", ".join(f"{n} {m}" for m, n in sorted(methods.items())))
                 if rubric.indicators
                 else tr("ไม่มี: หมวด 1-6 เท่านั้น", "none: categories 1-6 only")),
                (tr("น้ำหนักประเด็น", "Issue weights"),
                 tr("รวม ", "total ") + f"{sum(i.weight for i in rubric.issues):g}"),
                *([(tr("น้ำหนักตัวชี้วัด", "Indicator weights"), _weights_line(rubric))]
                  if rubric.indicators else []),
                (tr("คะแนนรวม", "Overall"), aggregation_line(rubric)),
                *([(tr("เกณฑ์ร้อยละความสำเร็จ", "Target-ratio bands"),
                    bands_line(rubric.scoring.target_ratio_bands))]
                  if rubric.scoring.target_ratio_bands else []),
                (tr("การปัดเศษ", "Rounding"),
                 tr(f"{rubric.scoring.decimals} ตำแหน่ง ปัดครึ่งขึ้น",
                    f"{rubric.scoring.decimals} decimals, half-up")),
                (tr("ไฟล์", "File"), rubric.path),
                ("SHA-256", rubric.sha256),
            ]
        )
    )  # fmt: skip
    _draft_note(console, rubric)
    if warnings:
        console.print(Text(tr(f"คำเตือน {len(warnings)} รายการ", f"{len(warnings)} warning(s):"),
                           style="yellow"))  # fmt: skip
        console.print(_problem_lines(warnings))


def aggregation_line(rubric: Rubric) -> str:
    """How the overall score is made, in one line."""
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        n = len(rubric.category_ids)
        cats = ", ".join(rubric.category_ids)
        if rubric.indicators:
            seven = tr(" (หมวด 7 = ค่าเฉลี่ยของมิติ)", " (category 7 = mean of its dimensions)")
        else:
            seven = ""
        return tr(
            f"ค่าเฉลี่ยของ {n} หมวด ({cats}) แต่ละหมวดคือค่าเฉลี่ยของรายการ{seven}; น้ำหนักเท่ากัน",
            f"mean of {n} categories {cats}, each the mean of its items{seven}; "
            f"equal weights 1 each",
        )
    weights = rubric.scoring.part_weights
    if not rubric.indicators:
        return tr("หมวด 1-6 (ค่าเฉลี่ยถ่วงน้ำหนักของประเด็น) ไม่มีหมวด 7",
                  "categories 1-6 (weighted mean of the issues); no category 7")  # fmt: skip
    return tr(
        f"ถ่วงน้ำหนัก: หมวด 1-6 {weights.pmqa:g}, หมวด 7 {weights.results:g}",
        f"weighted parts: categories 1-6 {weights.pmqa:g}, category 7 {weights.results:g}",
    )


def bands_line(bands: list[RatioBand]) -> str:
    """Target-ratio bands in one line: "≤ 100 %: x 3; ≤ 101 %: 300; ...; above: 500"."""
    parts = []
    for band in bands:
        edge = f"≤ {band.up_to:g} %" if band.up_to is not None else tr("มากกว่านั้น", "above")
        rule = f"x {band.multiply:g}" if band.multiply is not None else f"{band.score:g}"
        parts.append(f"{edge}: {rule}")
    return "; ".join(parts)


def _method_label(method: Method) -> str:
    if method is Method.INTERPOLATE:
        return tr("เทียบเกณฑ์ 5 ระดับ", "thresholds")
    if method is Method.STEPS:
        return tr("ขั้นตอนความสำเร็จ", "steps")
    if method is Method.TARGET_RATIO:
        return tr("ร้อยละความสำเร็จเทียบค่าเป้าหมาย", "target ratio")
    return tr("ผ่าน/ไม่ผ่าน", "pass/fail")


def _outline(depth: int, text: str | Text, *, bold: bool = False) -> Padding:
    """One line of an outline, indented two cells a level; wraps between words."""
    shown = Text(text, style="bold" if bold else "") if isinstance(text, str) else text
    return Padding(ThaiText(shown), (0, 0, 0, 2 * depth), expand=False)


def rubric_tree(rubric: Rubric) -> None:
    """The rubric as an outline: issues, tiers and criteria; dimensions and indicators.

    An indented outline rather than a rich Tree: a tree's guides take four cells a level, and
    at 80 columns the deepest criteria would have too little room for a Thai phrase.
    """
    console = out_console()
    scoring = rubric.scoring
    mean = scoring.aggregation is Aggregation.CATEGORY_MEAN
    pmqa_weight = "" if mean else f" ({tr('น้ำหนัก', 'weight')} {scoring.part_weights.pmqa:g})"
    lines: list[Any] = [
        _outline(0, tr(rubric.title_th, rubric.title_en), bold=True),
        _outline(0, f"{rubric.id} {tr('ฉบับ', 'version')} {rubric.version}"),
        _outline(0, Text(tr("คะแนนรวม: ", "Overall: ") + aggregation_line(rubric), style="dim")),
        _outline(0, Text(tr("PMQA 4.0 หมวด 1-6", "PMQA 4.0 categories 1-6"), style="bold")
                 + Text(pmqa_weight)),
    ]  # fmt: skip
    of_items = tr(" (ค่าเฉลี่ยของรายการ)", " (mean of its items)") if mean else ""
    for category in sorted({i.category for i in rubric.issues}):
        lines.append(_outline(1, f"{tr('หมวด', 'Category')} {category}{of_items}"))
        for issue in (i for i in rubric.issues if i.category == category):
            lines.append(
                _outline(2, Text(issue.id, style="bold")
                         + Text(f" {tr(issue.title_th, issue.title_en)} ")
                         + Text(f"({tr('น้ำหนัก', 'weight')} {issue.weight:g}, "
                                f"{tr('สูงสุด', 'max')} {rubric.issue_max(issue):g})", style="dim"))
            )  # fmt: skip
            for tier in issue.tiers:
                default = rubric.tier_default(tier.id)
                points = f"({rubric.tier_points(tier):g} {tr('คะแนน', 'points')})"
                lines.append(
                    _outline(3, Text(f"{tr(default.title_th, default.title_en)} ")
                             + Text(points, style="dim"))
                )  # fmt: skip
                for c in tier.criteria:
                    text = Text(f"{c.id} {tr(c.text_th, c.text_en or c.text_th)}")
                    if c.evidence_required:
                        text.append(tr(" (ต้องมีหลักฐาน)", " (evidence required)"), style="dim")
                    lines.append(_outline(4, text))
    if not rubric.indicators:
        console.print(Group(*lines))
        _draft_note(console, rubric)
        return
    results_weight = (
        tr(" (น้ำหนัก 1: ค่าเฉลี่ยของมิติ)", " (weight 1: the mean of its dimensions)")
        if mean
        else f" ({tr('น้ำหนัก', 'weight')} {scoring.part_weights.results:g})"
    )
    lines.append(
        _outline(0, Text(tr("หมวด 7 ผลลัพธ์การดำเนินการ", "Category 7 results"), style="bold")
                 + Text(results_weight))
    )  # fmt: skip
    if scoring.target_ratio_bands:
        lines.append(
            _outline(1, Text(tr("เกณฑ์ร้อยละความสำเร็จ: ", "Target-ratio bands: ")
                             + bands_line(scoring.target_ratio_bands), style="dim"))
        )  # fmt: skip
    for dimension in sorted({i.dimension for i in rubric.indicators}):
        lines.append(_outline(1, f"{tr('มิติ', 'Dimension')} {dimension}"))
        for ind in (i for i in rubric.indicators if i.dimension == dimension):
            lines.append(
                _outline(2, Text(ind.id, style="bold")
                         + Text(f" {tr(ind.title_th, ind.title_en)} ")
                         + Text(f"({_indicator_how(rubric, ind)})", style="dim"))
            )  # fmt: skip
    console.print(Group(*lines))
    _draft_note(console, rubric)


def _indicator_how(rubric: Rubric, ind: Indicator) -> str:
    unit = unit_label(ind.unit, current())
    parts = [tr(f"หน่วย {unit}", f"unit: {unit}")]
    if ind.method is Method.TARGET_RATIO:
        target = (
            tr("ค่าเป้าหมายของแต่ละหน่วยงาน", "each office's own")
            if ind.target_from_workbook
            else f"{ind.target:g}"
        )
        bands = tr("เกณฑ์ของตัวชี้วัดเอง", "own bands") if ind.bands else tr("เกณฑ์กลาง", "scoring bands")
        parts += [_method_label(ind.method), tr(f"ค่าเป้าหมาย {target}", f"target {target}"), bands]
    elif ind.method is Method.INTERPOLATE:
        better = tr("ยิ่งมากยิ่งดี", "higher is better")
        if ind.direction.value == "lower":
            better = tr("ยิ่งน้อยยิ่งดี", "lower is better")
        kind = indicator_kind(ind)
        levels = ", ".join(show(kind, t, rubric) for t in ind.thresholds or [])
        parts += [better, tr(f"ระดับ 1-5: {levels}", f"levels 1-5: {levels}")]
    else:
        parts.append(_method_label(ind.method))
    parts.append(f"{tr('น้ำหนัก', 'weight')} {ind.weight:g}")
    if ind.applies_to != "both":
        only = OfficeType.PRIMARY if ind.applies_to == "primary" else OfficeType.SECONDARY
        parts.append(tr(f"เฉพาะ {only.abbrev_th}", f"{render_office_type(only)} only"))
    if ind.na_allowed:
        parts.append(tr("เลือก ไม่เกี่ยวข้อง ได้", "N/A allowed"))
    return ", ".join(parts)
