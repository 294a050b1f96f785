"""Rich rendering for the command layer: consoles, messages, findings and one office's scores.
No scoring logic here; a rubric is rendered by :mod:`render_rubric`, a batch and a comparison
by :mod:`render_batch`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
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
from pmqa_cli.core.numbers import Shown, show_number
from pmqa_cli.core.portable import can_encode
from pmqa_cli.rubric.model import (
    Aggregation,
    Method,
    Rubric,
)
from pmqa_cli.rubric.units import Kind, show, show_indicator_value, unit_label

if TYPE_CHECKING:
    from pmqa_cli.assess.office import ScoredOffice
    from pmqa_cli.assess.scores import Scores
    from pmqa_cli.report.sample import PlantedMistake

__all__ = [
    "MISTAKE_NAMES",
    "err_console",
    "error",
    "findings_table",
    "heading",
    "json_out",
    "office_type",
    "out_console",
    "samples",
    "score",
    "severity",
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


def severity(severity: str) -> Text:
    if severity == "error":
        return Text(tr("ข้อผิดพลาด", "error"), style="bold red")
    if severity == "note":
        return Text(tr("หมายเหตุ", "note"), style="bold cyan")
    return Text(tr("คำเตือน", "warning"), style="bold yellow")


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
        head = severity(f.severity.value) + Text(f"  {f.code}", style="bold")
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


def heading(console: Console, text: str) -> None:
    """A table's title on one line, cut at a cluster boundary if the terminal is narrow."""
    console.print(ThaiText(text, one_line=True, style="bold"))


#: How the audit trail's Thai words for a value read in English (assess.trace.shown_value).
_VALUE_EN = {"ผ่าน": "pass", "ไม่ผ่าน": "fail", "(ไม่ได้ตอบ)": "(no answer)", "(ไม่มีค่า)": "(no value)"}
_LAYER = {"self": ("หน่วยงานประเมินตนเอง", "self-assessment"),
          "correction": ("การแก้ไขข้อมูล", "correction"), "data": ("ข้อมูลส่วนกลาง", "central data"),
          "review": ("คณะกรรมการ", "committee")}  # fmt: skip


def _value(shown: str) -> str:
    return shown if current() == "th" else _VALUE_EN.get(shown, shown)


def _verification(console: Console, office: ScoredOffice) -> None:
    """The self-assessed overall, the difference and the changes, when verification applied."""
    own = office.self_assessed
    if own is None or own is office.scores:
        return
    d = office.rubric.decimals
    overall = show_number(own.overall, Shown.SCORE, d)
    difference = show_number(office.difference, Shown.CHANGE, d)
    console.print(
        ThaiText(tr(f"คะแนนรวมที่ประเมินตนเอง {overall} ผลต่าง (ตรวจสอบ - ตนเอง) {difference}",
                    f"Self-assessed overall {overall}; verified - self {difference}"))
    )  # fmt: skip
    table = Table(title=tr("การตรวจสอบ", "Verification"), header_style="bold", expand=True)
    for name in (tr("รายการ", "Item"), tr("แหล่งที่มา", "Source"), tr("ค่าเดิม", "Claimed/before"),
                 tr("ค่าใหม่", "Now"), tr("ผลต่อคะแนนรวม", "Effect"),
                 tr("เหตุผล / ผู้แก้ไข", "Why / who")):  # fmt: skip
        table.add_column(name, justify="left")
    table.columns[4].justify = "right"
    for c in office.changes:
        why = " - ".join(x for x in (c.reason, c.person) if x)
        table.add_row(
            c.item, tr(*_LAYER[c.layer.value]), escape(_value(c.before_shown)),
            escape(_value(c.after_shown)), show_number(c.effect, Shown.CHANGE, d),
            ThaiText(escape(why)),
        )  # fmt: skip
    console.print(table)


def score(scored: ScoredOffice, rubric: Rubric) -> None:
    """One office's scores, then its findings."""
    console = out_console()
    office = scored.office
    kind = office_type(office.type) if office.type else tr("ประเภทไม่ทราบ", "type unknown")
    console.print(
        ThaiText(
            Text(f"{office.code or '?'} {office.name}", style="bold")
            + Text(f" ({kind}) - {scored.name} - {tr('เกณฑ์', 'rubric')} {rubric.id} "
                   f"{tr('ฉบับ', 'v')}{'' if current() == 'en' else ' '}{rubric.version}")
        )
    )  # fmt: skip
    console.print(rubric_line(rubric))
    if scored.scores is None:
        console.print(
            ThaiText(tr("อ่านไฟล์ไม่ได้ จึงไม่ได้ประเมินคะแนน",
                        "The workbook could not be read, so it was not scored."), style="red")
        )  # fmt: skip
    else:
        _score_tables(console, scored.scores, rubric)
        _verification(console, scored)
        own, verifying = scored.open_errors()
        if own:
            # As a batch marks it: a score from a workbook with errors is not final.
            console.print(
                ThaiText(tr("ผลเบื้องต้น: แบบฟอร์มมีข้อผิดพลาด คะแนนนี้ยังไม่ใช่ผลสมบูรณ์จนกว่าจะแก้ไข"
                            "ตามรายการด้านล่าง",
                            "Provisional: the workbook has errors, so this score is not final "
                            "until they are fixed (listed below)."), style="yellow")
            )  # fmt: skip
        elif verifying:  # in a --review/--data/--corrections file: the verified score is open
            console.print(
                ThaiText(tr("ผลเบื้องต้น: ไฟล์ตรวจสอบมีข้อผิดพลาด ผลการตรวจยังไม่ครบ แก้ไขตามรายการด้านล่าง",
                            "Provisional: a verification file has errors, so the verified "
                            "score is not complete (listed below)."), style="yellow")
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
    heading(console, tr("PMQA 4.0 (หมวด 1-6)", "PMQA 4.0 (categories 1-6)"))
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
            i.id, str(i.category), ThaiText(tr(issue.title_th, issue.title_en)),
            show(score_kind, i.score, rubric), ThaiText(tr(i.status_th, i.status_en)),
        )  # fmt: skip
    console.print(issues)
    heading(console, tr("ตัวชี้วัด (หมวด 7)", "Indicators (category 7)"))
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
        title = ThaiText(tr(indicator.title_th, indicator.title_en))
        value = show_indicator_value(indicator, ind.value, rubric, lang)
        unit = ThaiText(unit_label(indicator.unit, lang))
        if indicator.method is Method.PASS_FAIL:
            unit = ThaiText("")
        if not ind.applies:
            shown = tr("ไม่เกี่ยวข้อง", "N/A") if ind.not_applicable else tr("ไม่ประเมิน", "not assessed")
            indicators.add_row(ind.id, title, value, unit, "", ThaiText(shown))
        else:
            # Every level at the value decimals (3.30, and a steps level 3.00): one column format.
            indicators.add_row(
                ind.id, title, value, unit, show(Kind.LEVEL, ind.level, rubric),
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


#: The mistakes report/sample.py plants, in words.
MISTAKE_NAMES = {
    "missing-answer": ("ไม่ได้ตอบ", "answer left empty"),
    "text-in-number": ("ข้อความในช่องตัวเลข", "text in a number cell"),
    "percent-as-fraction": ("ร้อยละกรอกเป็นเศษส่วน", "percentage typed as a fraction"),
    "thai-digits": ("ตัวเลขไทย", "Thai digits"),
    "reordered-rows": ("สลับลำดับแถว", "rows reordered"),
    "extra-blank-row": ("แถวว่างเกิน", "an extra blank row"),
}
#: The office types in English (OfficeType.abbrev_th names them in Thai).
_TYPE_EN = {"primary": "primary", "secondary": "secondary"}


def office_type(kind: Any) -> str:
    """An office type (สพป. / สพม.) in the terminal's language."""
    return tr(kind.abbrev_th, _TYPE_EN.get(kind.value, kind.value))


def samples(out: Path, count: int, planted: Sequence[PlantedMistake]) -> None:
    """What `pmqa sample` wrote and the mistakes it planted."""
    console = out_console()
    console.print(
        ThaiText(tr(f"เขียนตัวอย่างแบบประเมิน {count} ไฟล์ ไว้ที่ {out}",
                    f"Wrote {count} sample submission(s) to {out}"))
    )  # fmt: skip
    if planted:
        heading(console, tr("ข้อผิดพลาดที่ใส่ไว้ในตัวอย่าง", "Planted mistakes"))
        table = Table(header_style="bold")
        for name in (tr("ไฟล์", "File"), tr("ข้อผิดพลาด", "Mistake"), tr("รายการ", "Item"),
                     tr("ปัญหาที่ควรพบ", "Expected finding")):  # fmt: skip
            table.add_column(name)
        for p in planted:
            mistake = ThaiText(tr(*MISTAKE_NAMES[p.kind]) if p.kind in MISTAKE_NAMES else p.kind)
            table.add_row(
                p.file, mistake, escape(p.item_id),
                p.expected_code or tr("(ไม่มี: อ่านค่าตามที่กรอก)", "(none: read as is)"),
            )  # fmt: skip
        console.print(table)


def rubric_line(rubric: Rubric) -> Text:
    """Which rubric file scored the run: its id, version, path and the start of its SHA-256."""
    return Text(
        f"{tr('เกณฑ์', 'Rubric')}: {rubric.id} {tr('ฉบับ', 'version')} {rubric.version} "
        f"({rubric.path or '-'}, SHA-256 {rubric.sha256[:12]}…)",
        style="dim",
    )
