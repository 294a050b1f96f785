"""Rich rendering for the command layer: tables, trees and messages. No scoring logic here."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pmqa_cli.cli.lang import current, tr
from pmqa_cli.cli.thaitext import ThaiText
from pmqa_cli.core.findings import Finding
from pmqa_cli.core.numbers import format_number
from pmqa_cli.core.portable import can_encode
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
from pmqa_cli.rubric.units import Kind, indicator_kind, show, show_indicator_value, unit_label

if TYPE_CHECKING:
    from pmqa_cli.assess.batch import BatchResult
    from pmqa_cli.assess.office import ScoredOffice
    from pmqa_cli.assess.scores import Scores
    from pmqa_cli.compare.comparison import Comparison
    from pmqa_cli.report.sample import PlantedMistake

__all__ = [
    "batch_summary",
    "comparison",
    "err_console",
    "error",
    "findings_table",
    "json_out",
    "out_console",
    "progress",
    "rubric_problems",
    "rubric_summary",
    "rubric_tree",
    "samples",
    "score",
    "validation",
    "written",
]


def out_console() -> Console:
    """The console for results (stdout). Created per call so tests can pin COLUMNS."""
    return Console(highlight=False)


def err_console() -> Console:
    """The console for messages and progress (stderr)."""
    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """Print a one-paragraph error on stderr."""
    label = Text(tr("ข้อผิดพลาด: ", "Error: "), style="bold red")
    err_console().print(ThaiText(label + Text(message)))


def _severity(severity: str) -> Text:
    if severity == "error":
        return Text(tr("ข้อผิดพลาด", "error"), style="bold red")
    if severity == "note":
        return Text(tr("หมายเหตุ", "note"), style="bold cyan")
    return Text(tr("คำเตือน", "warning"), style="bold yellow")


def _problem_lines(problems: Iterable[RubricProblem]) -> Group:
    """Rubric problems, one block each: severity and YAML path, then the message."""
    blocks: list[Any] = []
    for p in problems:
        head = _severity(p.severity) + Text("  ") + Text(p.path or tr("(ทั้งไฟล์)", "(file)"))
        blocks += [ThaiText(head), Padding(ThaiText(p.message), (0, 0, 0, 2), expand=False)]
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
        parts.append(f"{office_type.abbrev_th} {total:g}")
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
            Text("OK ", style="bold green")
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
        parts.append(tr(f"เฉพาะ {only.abbrev_th}", f"{only.abbrev_th} only"))
    if ind.na_allowed:
        parts.append(tr("เลือก ไม่เกี่ยวข้อง ได้", "N/A allowed"))
    return ", ".join(parts)


def json_out(data: Any) -> None:
    """Print JSON exactly as given, for machines: Thai text unescaped where the output stream
    can encode it, else as \\u escapes (still the same JSON, on a Windows code-page console)."""
    print(json.dumps(data, ensure_ascii=not can_encode(sys.stdout), indent=2))


def written(path: Path, what: str) -> None:
    """Say where an output went."""
    label = Text(tr("เขียนแล้ว ", "Wrote "), style="green")
    err_console().print(ThaiText(label + Text(f"{what}: {path}")))


def findings_table(findings: Sequence[Finding], *, show_file: bool = False) -> Group:
    """Findings, one block each: severity, code and where (file, sheet!cell, item), then the
    message with its fix in the terminal's language, wrapped between words.

    Blocks rather than a table: a message needs the terminal's whole width to wrap at spaces
    only, which a table column cannot give it at 80 columns.
    """
    blocks: list[Any] = []
    for f in findings:
        head = _severity(f.severity.value) + Text(f"  {f.code}", style="bold")
        where = []
        if show_file and f.file:
            where.append(Path(f.file).name)
        if f.sheet or f.cell:
            where.append("!".join(p for p in (f.sheet, f.cell) if p))
        if f.item_id:
            where.append(f.item_id)
        if where:
            head.append("  " + "  ".join(where))
        message = tr(f.message_th, f.message_en)
        blocks += [ThaiText(head), Padding(ThaiText(message), (0, 0, 0, 2), expand=False)]
    return Group(*blocks)


def validation(reports: Sequence[ScoredOffice]) -> None:
    """Findings of several submissions, then a one-line summary."""
    console = out_console()
    findings = [f for r in reports for f in r.findings]
    if findings:
        console.print(findings_table(findings, show_file=True))
    clean = sum(1 for r in reports if r.valid)
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    colour = "green" if clean == len(reports) else "red"
    line = tr(
        f"{len(reports)} ไฟล์: ไม่มีข้อผิดพลาด {clean} ไฟล์ มีข้อผิดพลาด {len(reports) - clean} ไฟล์ "
        f"(ข้อผิดพลาด {errors} รายการ คำเตือน {warnings} รายการ)",
        f"{len(reports)} file(s): {clean} without errors, {len(reports) - clean} with errors "
        f"({errors} error(s), {warnings} warning(s))",
    )
    console.print(ThaiText(line, style=colour))


def _heading(console: Console, text: str) -> None:
    """A table's title on one line, cut at a cluster boundary if the terminal is narrow."""
    console.print(ThaiText(text, one_line=True, style="bold"))


def _verification(console: Console, office: ScoredOffice) -> None:
    """The self-assessed overall, the difference and the changes, when verification applied."""
    own = office.self_assessed
    if own is None or own is office.scores:
        return
    d = office.rubric.decimals
    console.print(
        Text(f"Self-assessed overall {format_number(own.overall, d)}; "
             f"verified - self {format_number(office.difference, d)}")
    )  # fmt: skip
    table = Table(title="การตรวจสอบ (verification)", header_style="bold", expand=True)
    for name in ("Item", "Source", "Claimed/before", "Now", "Effect", "Why / who"):
        table.add_column(name, justify="right" if name == "Effect" else "left")
    for c in office.changes:
        why = " - ".join(x for x in (c.reason, c.person) if x)
        table.add_row(
            c.item, c.layer.value, escape(c.before_shown), escape(c.after_shown),
            format_number(c.effect, d), escape(why),
        )  # fmt: skip
    console.print(table)


def score(scored: ScoredOffice, rubric: Rubric) -> None:
    """One office's scores, then its findings."""
    console = out_console()
    office = scored.office
    kind = office.type.abbrev_th if office.type else tr("ประเภทไม่ทราบ", "type unknown")
    console.print(
        ThaiText(
            Text(f"{office.code or '?'} {office.name}", style="bold")
            + Text(f" ({kind}) - {scored.name} - {tr('เกณฑ์', 'rubric')} {rubric.id} "
                   f"{tr('ฉบับ', 'v')}{'' if current() == 'en' else ' '}{rubric.version}")
        )
    )  # fmt: skip
    if scored.scores is None:
        console.print(
            ThaiText(tr("อ่านไฟล์ไม่ได้ จึงไม่ได้ประเมินคะแนน",
                        "The workbook could not be read, so it was not scored."), style="red")
        )  # fmt: skip
    else:
        _score_tables(console, scored.scores, rubric)
        _verification(console, scored)
        if scored.errors:
            # As a batch marks it: a score from a workbook with errors is not final.
            console.print(
                ThaiText(tr("ผลเบื้องต้น: แบบฟอร์มมีข้อผิดพลาด คะแนนนี้ยังไม่ใช่ผลสมบูรณ์จนกว่าจะแก้ไข"
                            "ตามรายการด้านล่าง",
                            "Provisional: the workbook has errors, so this score is not final "
                            "until they are fixed (listed below)."), style="yellow")
            )  # fmt: skip
    if scored.findings:
        # Problems in a --review/--data/--corrections file name that file.
        others = any(f.file not in (None, scored.file) for f in scored.findings)
        console.print(findings_table(scored.findings, show_file=others))
    colour = "green" if scored.valid else "red"
    console.print(
        Text(tr(f"ข้อผิดพลาด {scored.errors} รายการ คำเตือน {scored.warnings} รายการ",
                f"{scored.errors} error(s), {scored.warnings} warning(s)"), style=colour)
    )  # fmt: skip


def _score_tables(console: Console, result: Scores, rubric: Rubric) -> None:
    score_kind = Kind.SCORE
    _heading(console, tr("PMQA 4.0 (หมวด 1-6)", "PMQA 4.0 (categories 1-6)"))
    issues = Table(header_style="bold", expand=True)
    issues.add_column(tr("รหัส", "Issue"), no_wrap=True)
    issues.add_column(tr("หมวด", "Cat."), no_wrap=True, justify="center")
    issues.add_column(tr("ประเด็น", "Title"), ratio=1)
    issues.add_column(tr("คะแนน", "Score"), no_wrap=True, justify="right")
    issues.add_column(tr("สถานะ", "Status"))
    found = {i.id: i for i in rubric.issues}
    for i in result.issues:
        issue = found[i.id]
        issues.add_row(
            i.id, str(i.category), ThaiText(tr(issue.title_th, issue.title_en), one_line=True),
            show(score_kind, i.score, rubric), ThaiText(tr(i.status_th, i.status_en)),
        )  # fmt: skip
    console.print(issues)
    _heading(console, tr("ตัวชี้วัด (หมวด 7)", "Indicators (category 7)"))
    indicators = Table(header_style="bold", expand=True)
    indicators.add_column(tr("รหัส", "Indicator"), no_wrap=True)
    indicators.add_column(tr("ตัวชี้วัด", "Title"), ratio=1)
    indicators.add_column(tr("ผล", "Value"), no_wrap=True, justify="right")
    indicators.add_column(tr("หน่วย", "Unit"))
    indicators.add_column(tr("ระดับ", "Level"), no_wrap=True, justify="right")
    indicators.add_column(tr("คะแนน", "Score"), no_wrap=True, justify="right")
    lang = current()
    for ind in result.indicators:
        indicator = rubric.indicator(ind.id)
        title = ThaiText(tr(indicator.title_th, indicator.title_en), one_line=True)
        value = show_indicator_value(indicator, ind.value, rubric, lang)
        unit = ThaiText(unit_label(indicator.unit, lang))
        if indicator.method is Method.PASS_FAIL:
            unit = ThaiText("")
        if not ind.applies:
            shown = tr("ไม่เกี่ยวข้อง", "N/A") if ind.not_applicable else tr("ไม่ประเมิน", "not assessed")
            indicators.add_row(ind.id, title, value, unit, "", ThaiText(shown))
        else:
            level_kind = Kind.WHOLE if indicator.method is not Method.INTERPOLATE else Kind.LEVEL
            indicators.add_row(
                ind.id, title, value, unit, show(level_kind, ind.level, rubric),
                show(score_kind, ind.score, rubric),
            )  # fmt: skip
    if result.indicators:
        console.print(indicators)
    summary = Table(show_header=False, box=None)
    summary.add_column(style="bold", no_wrap=True)
    summary.add_column(justify="right", no_wrap=True)
    summary.add_column()

    def label(band: Any) -> ThaiText:
        return ThaiText(tr(band.label_th, band.label_en) if band else "")

    summary.add_row(tr("หมวด 1-6", "Categories 1-6"), show(score_kind, result.pmqa.score, rubric),
                    label(result.status))  # fmt: skip
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        for category in result.categories:
            summary.add_row(
                f"  {tr('หมวด', 'Category')} {category.id}",
                show(score_kind, category.score, rubric),
                ThaiText(""),
            )  # the overall is their mean
    if rubric.indicators:
        summary.add_row(tr("หมวด 7", "Category 7"), show(score_kind, result.results.score, rubric),
                        ThaiText(""))  # fmt: skip
    summary.add_row(tr("คะแนนรวม", "Overall"), show(score_kind, result.overall, rubric),
                    label(result.band))  # fmt: skip
    console.print(summary)


def samples(out: Path, count: int, planted: Sequence[PlantedMistake]) -> None:
    """What `pmqa sample` wrote and the mistakes it planted."""
    console = out_console()
    console.print(
        ThaiText(tr(f"เขียนตัวอย่างแบบประเมิน {count} ไฟล์ ไว้ที่ {out}",
                    f"Wrote {count} sample submission(s) to {out}"))
    )  # fmt: skip
    if planted:
        _heading(console, tr("ข้อผิดพลาดที่ใส่ไว้ในตัวอย่าง", "Planted mistakes"))
        table = Table(header_style="bold")
        for name in (tr("ไฟล์", "File"), tr("ข้อผิดพลาด", "Mistake"), tr("รายการ", "Item"),
                     tr("ปัญหาที่ควรพบ", "Expected finding")):  # fmt: skip
            table.add_column(name)
        for p in planted:
            table.add_row(
                p.file, p.kind, escape(p.item_id),
                p.expected_code or tr("(ไม่มี: อ่านค่าตามที่กรอก)", "(none: read as is)"),
            )  # fmt: skip
        console.print(table)


@contextmanager
def progress(total: int) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr for a terminal (count, rate, time left); plain lines otherwise."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = err_console()
    if console.is_terminal:
        bar = Progress(
            TextColumn(tr("กำลังประเมิน", "Scoring")),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        task = bar.add_task("score", total=total, rate="")
        with bar:

            def tick(done: int, all_files: int, path: str) -> None:
                elapsed = bar.tasks[0].elapsed or 0
                rate = f"{done / elapsed:.1f} files/s" if elapsed else ""
                bar.update(task, completed=done, rate=rate)

            yield tick
        return
    step = max(1, total // 10)

    def plain(done: int, all_files: int, path: str) -> None:
        if done % step == 0 or done == all_files:
            console.print(tr(f"ประเมินแล้ว {done}/{all_files}", f"scored {done}/{all_files}"))

    yield plain


def batch_summary(batch: BatchResult, written: Sequence[Path]) -> None:
    """The closing summary of a batch."""
    console = out_console()
    counts = batch.counts()
    _heading(console, tr("สรุปการประเมิน", "Batch summary"))
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        (tr("ประเมินได้ ไม่มีข้อผิดพลาด", "Scored, no errors"), counts["scored_clean"], "green"),
        (tr("ประเมินได้ มีข้อผิดพลาด", "Scored with errors"), counts["scored_with_errors"], "red"),
        (tr("อ่านไม่ได้", "Unreadable"), counts["unreadable"], "red"),
        (tr("ไฟล์ส่งซ้ำ", "Duplicate files"), counts["duplicates"], "yellow"),
        (tr("หน่วยงานที่ไม่ได้ส่ง", "Missing offices"), counts["missing"], "yellow"),
        (tr("ไฟล์อื่นที่ข้าม", "Other files passed over"), counts["skipped"], "dim"),
        (
            tr("ผลลัพธ์ของ pmqa ที่ข้าม", "pmqa's own outputs passed over"),
            counts["pmqa_outputs_skipped"],
            "dim",
        ),
    ]
    for label, value, style in rows:
        table.add_row(label, f"[{style}]{value}[/]" if value else "0")
    console.print(table)
    if batch.outputs_skipped:
        console.print(
            f"[dim]Not read as submissions ({len(batch.outputs_skipped)}): results and feedback "
            "workbooks pmqa wrote itself, e.g. "
            f"{escape(Path(batch.outputs_skipped[0]).name)}[/]"
        )
    conflicts = {d.code for d in batch.duplicates if d.copy_of is None and not d.chosen}
    for duplicate in batch.duplicates:
        if duplicate.chosen and duplicate.code in conflicts:
            name = Path(duplicate.path).name
            console.print(
                ThaiText(tr(f"หน่วยงาน {duplicate.code} ส่งหลายไฟล์ที่ต่างกัน ใช้คะแนนจากไฟล์ {name} "
                            "(วันที่ส่งในแบบฟอร์มล่าสุด แล้วตามชื่อไฟล์) ผลเป็นผลเบื้องต้นจนกว่าจะลบไฟล์อื่นออก",
                            f"Office {duplicate.code} sent different files; scored {name} "
                            "(latest submission date in the workbook, then file name). Its result "
                            "is provisional until the others are removed."), style="yellow")
            )  # fmt: skip
    if batch.verification is not None:
        changed = [f for f in batch.scored if f.changes]
        count = sum(len(f.changes) for f in changed)
        files = len(batch.verification.files)
        console.print(
            ThaiText(tr(f"ตรวจสอบด้วย {files} ไฟล์: แทนค่า {count} รายการ ใน {len(changed)} หน่วยงาน "
                        "คะแนนทางการและอันดับใช้ผลที่ตรวจสอบแล้ว (แผ่นงาน การตรวจสอบ)",
                        f"Verified with {files} file(s): {count} value(s) replaced in "
                        f"{len(changed)} office(s); the official scores and ranks are the "
                        "verified ones (sheet การตรวจสอบ)."))
        )  # fmt: skip
        problems = batch.verification.findings
        if problems:
            # Bad rows were not applied: say which, with their file and cell, here too.
            errors = sum(1 for f in problems if f.severity.value == "error")
            console.print(
                ThaiText(tr(f"ไฟล์ตรวจสอบมีปัญหา {len(problems)} รายการ (ข้อผิดพลาด {errors}) "
                            "แถวที่มีข้อผิดพลาดไม่ถูกนำไปใช้:",
                            f"The verification files have {len(problems)} problem(s) ({errors} "
                            "error(s)); rows with errors were not applied:"), style="red")
            )  # fmt: skip
            console.print(findings_table(problems[:20], show_file=True))
            if len(problems) > 20:
                console.print(f"  ... {len(problems) - 20} more in the ปัญหาที่พบ sheet")
    provisional = [f for f in batch.scored if f.provisional]
    if provisional:
        from pmqa_cli.assess.batch import PROVISIONAL

        console.print(
            ThaiText(tr(f"ผลเบื้องต้น {len(provisional)} หน่วยงาน (ทำเครื่องหมายไว้ในสรุปผล):",
                        f"{len(provisional)} provisional result(s), marked in the summary:"),
                     style="yellow")
        )  # fmt: skip
        for f in provisional[:10]:
            reasons = ", ".join(PROVISIONAL[r][1] for r in f.provisional)
            rank = f"rank {f.rank}" if f.rank is not None else "not ranked"
            console.print(f"  {escape(f.office.code or Path(f.path).name)}: {rank}; {reasons}")
        if len(provisional) > 10:
            console.print(f"  ... and {len(provisional) - 10} more")
    for path in written[:5]:
        console.print(ThaiText(tr("เขียนแล้ว ", "Wrote ") + str(path)))
    if len(written) > 5:
        console.print(
            ThaiText(tr(f"และอีก {len(written) - 5} ไฟล์", f"... and {len(written) - 5} more files"))
        )


def comparison(found: Comparison) -> None:
    """What changed since each earlier result: offices, national means, most improved; then the
    problems found in the files compared."""
    console = out_console()
    for r in found.rounds:
        _heading(console, tr(f"{found.current.label} เทียบกับ {r.label}",
                             f"{found.current.label} compared with {r.label}"))  # fmt: skip
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(justify="right", no_wrap=True)
        table.add_row(tr("หน่วยงานที่มีทั้งสองครั้ง", "Offices in both"), str(len(r.both)))
        current = found.current.label
        table.add_row(ThaiText(tr(f"มีเฉพาะ {current}", f"Only in {current}")),
                      str(len(r.only_current)))  # fmt: skip
        table.add_row(ThaiText(tr(f"มีเฉพาะ {r.label}", f"Only in {r.label}")),
                      str(len(r.only_previous)))  # fmt: skip
        for m in r.means[:3]:
            change = "" if m.change is None else f"{m.change:+}"
            table.add_row(ThaiText(tr(f"ค่าเฉลี่ย{m.label} เปลี่ยนไป", f"Change in mean {m.label}")),
                          change)  # fmt: skip
        console.print(table)
        if r.unmatched_items:
            console.print(
                ThaiText(
                    tr("ไม่มีรายการเทียบในครั้งก่อน (เทียบเฉพาะคะแนนรวมและรายหมวด): ",
                       "No earlier counterpart (compared only through overall and parts): ")
                    + ", ".join(r.unmatched_items),
                    style="yellow",
                )
            )  # fmt: skip
        improved = r.improved.get("รวม", [])[:3]
        if improved:
            listed = ", ".join(f"{o.office.name or o.code} ({o.change():+})" for o in improved)
            console.print(ThaiText(tr("พัฒนาขึ้นมากที่สุด: ", "Most improved: ") + listed))
    problems = found.findings
    if problems:
        console.print(findings_table(problems, show_file=True))
