"""The top of the provisional score sheet: the headline cells and the rubric's numbers.

The summary block holds one row per headline (overall score, band, parts, status,
completeness); its formulas are filled in last (:func:`headline_formulas`), once every block
they add up has its rows. The constants block shows the rubric's numbers as labelled cells, so
that no formula holds a number or a word from the rubric.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment

from pmqa_cli.io.layout import SHEET_OFFICE
from pmqa_cli.report.formulas import answered_count, quoted, required_count
from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.score_sheet import (
    CENTER,
    CHECK,
    HEADLINE_NAMES,
    HEADLINES,
    LABEL,
    NOTE_FILL,
    WIDTHS,
    ScoreSheet,
    over,
)
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import body_font, text_lines, thin_border
from pmqa_cli.rubric.model import Aggregation

__all__ = ["INCOMPLETE", "constants_block", "headline_formulas", "summary_block"]

#: What the headline cells say, with the count, until every item to answer has a usable answer.
INCOMPLETE = "ยังกรอกไม่ครบ"


def summary_block(sheet: ScoreSheet) -> None:
    """The office type used and the headline rows, their formulas left for later."""
    sheet.section("สรุปคะแนนเบื้องต้น / Summary")
    sheet.keyed("office_type", "ประเภทหน่วยงานที่ใช้คำนวณ / Office type used")
    for key, label in HEADLINES.items():
        sheet.keyed(key, label)


def constants_block(sheet: ScoreSheet) -> None:
    """Level scores, part weights or aggregation, decimals, tiers and bands."""
    scoring = sheet.rubric.scoring
    sheet.section("ค่าจากเกณฑ์ที่ใช้คำนวณ / Numbers from the rubric")
    row = sheet.keyed("level_scores", "คะแนนระดับ 1-5 / Level scores")
    sheet.text(row, LABEL, "ระดับ 1, 2, 3, 4, 5")
    for n, score in enumerate(scoring.level_scores):
        sheet.text(row, 4 + n, score, alignment=CENTER)
    if scoring.aggregation is Aggregation.CATEGORY_MEAN:
        row = sheet.keyed("aggregation", "วิธีรวมคะแนน / Aggregation")
        sheet.text(row, LABEL, "คะแนนรวม = ค่าเฉลี่ยของหมวด 1-7 (หมวด 7 = ค่าเฉลี่ยของมิติ)")
    else:
        weights = scoring.part_weights
        row = sheet.keyed("part_weights", "น้ำหนักหมวด 1-6 และหมวด 7 / Part weights")
        sheet.text(row, LABEL, "หมวด 1-6, หมวด 7")
        sheet.text(row, 4, weights.pmqa, alignment=CENTER)
        sheet.text(row, 5, weights.results, alignment=CENTER)
    row = sheet.keyed("decimals", "ทศนิยม (ปัดครึ่งขึ้น) / Decimals")
    sheet.text(row, 4, scoring.decimals, alignment=CENTER)
    sheet.header({1: "", 2: "ระดับ / Tier", 3: "Tier", 4: "คะแนน"})
    for row, tier in sheet.rows(scoring.tiers):
        _labelled(sheet, row, tier.id, tier.title_th, tier.title_en, tier.points)
        sheet.key_rows[f"tier:{tier.id}"] = row
    row = sheet.keyed("below_first_tier", scoring.below_first_tier_th)
    sheet.text(row, LABEL, scoring.below_first_tier_en)
    sheet.fit(row)
    for name, bands, title in (
        ("overall_bands", scoring.overall_bands, "ระดับผลการประเมิน (คะแนนรวม) / Bands"),
        ("status_bands", scoring.pmqa_status_bands, "สถานะ PMQA 4.0 (หมวด 1-6) / Status"),
    ):
        with sheet.block(name, labels={1: "", 2: title, 3: "English", 4: "ตั้งแต่"}):
            for row, band in sheet.rows(bands):
                _labelled(sheet, row, name, band.label_th, band.label_en, band.min)


def _labelled(
    sheet: ScoreSheet, row: int, key: str, label_th: str, label_en: str, value: Decimal
) -> None:
    """A row of the rubric's: its key, Thai and English labels and its number (column D)."""
    sheet.key(row, key)
    sheet.text(row, CHECK, label_th)
    sheet.text(row, LABEL, label_en)
    sheet.text(row, 4, value, alignment=CENTER)
    sheet.fit(row)


# --- the headline cells --------------------------------------------------------------------


def headline_formulas(sheet: ScoreSheet) -> None:
    """The summary's formulas, over the blocks below it. Until every item to answer has a
    usable answer the scores, the band and the status say so (ยังกรอกไม่ครบ: a blank template
    shows no failing score); once complete, they are the scores."""
    k = sheet.key_rows
    sheet.formula(k["office_type"], LABEL, _office_type())
    _completeness(sheet)
    pmqa, results, overall = _parts(sheet)
    decimals = f"$D${k['decimals']}"
    bands = {}
    for band, value in (("overall_bands", "pmqa_overall"), ("status_bands", "pmqa_part_pmqa")):
        b0, b1 = k[band], k[f"{band}:last"]
        bands[band] = (
            f"LOOKUP(ROUND({sheet.ref(value)},{decimals}),$D${b0}:$D${b1},$B${b0}:$B${b1})"
        )
    a, q = sheet.ref("pmqa_answered"), sheet.ref("pmqa_required")
    # IF evaluates only the branch it takes: once complete, the cells these formulas refer
    # to hold their scores.
    notice = f'"{INCOMPLETE} (ตอบแล้ว "&{a}&" จาก "&{q}&" ข้อ)"'
    for key, formula, fmt in (
        ("pmqa_part_pmqa", pmqa, sheet.fmt),
        ("pmqa_part_results", results, sheet.fmt),
        ("pmqa_overall", overall, sheet.fmt),
        ("pmqa_band", bands["overall_bands"], None),
        ("pmqa_status", bands["status_bands"], None),
    ):
        if formula != '""':  # a rubric without category 7 leaves its cell empty
            formula = f"IF({a}<{q},{notice},{formula})"
        sheet.formula(k[key], LABEL, formula, fmt)
    # The notice at its longest ("... 999 จาก 999 ข้อ)") fits its rows.
    total = len(list(sheet.rubric.criteria())) + len(sheet.rubric.indicators)
    longest = f"{INCOMPLETE} (ตอบแล้ว {total} จาก {total} ข้อ)"
    lines = text_lines(longest, WIDTHS[LABEL], bold=True)
    for key in HEADLINE_NAMES:
        cell = sheet.ws.cell(row=k[key], column=LABEL)
        cell.font = body_font(bold=True)
        cell.fill = NOTE_FILL
        height = sheet.ws.row_dimensions[k[key]].height or 0
        sheet.ws.row_dimensions[k[key]].height = max(height, row_height(lines, FONT_SIZE))


def _office_type() -> str:
    """สพป., สพม. or ไม่ระบุ, from the office sheet's office type as pmqa reads it."""
    office = quoted(SHEET_OFFICE)
    type_cell = f'INDEX({office}!$C:$C,MATCH("office_type",{office}!$A:$A,0))'
    t = f"TRIM({type_cell})"
    primary = f'OR(LEFT({t},3)="สพป",ISNUMBER(SEARCH("ประถม",{t})),{t}="primary",{t}="p")'
    secondary = f'OR(LEFT({t},3)="สพม",ISNUMBER(SEARCH("มัธยม",{t})),{t}="secondary",{t}="s")'
    return f'IFERROR(IF({primary},"สพป.",IF({secondary},"สพม.","ไม่ระบุ")),"ไม่ระบุ")'


def _parts(sheet: ScoreSheet) -> tuple[str, str, str]:
    """The formulas of categories 1-6, category 7 and the overall score, by the rubric's
    aggregation (over each block's pieces: its rows less the headings repeated atop a page)."""
    k = sheet.key_rows
    has_kpis = bool(sheet.rubric.indicators)
    p, res = sheet.ref("pmqa_part_pmqa"), sheet.ref("pmqa_part_results")
    results = '""'

    def col(name: str, letter: str) -> str:
        """Column ``letter`` of block ``name``'s rows, each piece a range: "$D$5:$D$9,..."."""
        return over(sheet.block_pieces(name), lambda lo, hi: f"${letter}${lo}:${letter}${hi}", ",")

    if sheet.rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        means = col("categories", "D")
        count = over(sheet.block_pieces("categories"), lambda lo, hi: f"ROWS($D${lo}:$D${hi})")
        pmqa = f"SUM({means})/{count}"
        if has_kpis:
            dims = col("dimensions", "D")
            results = f'IF(COUNT({dims})=0,"",SUM({dims})/COUNT({dims}))'
        overall = f'IF({res}="",{p},(SUM({means})+{res})/({count}+1))'
        return pmqa, results, overall
    issues = sheet.block_pieces("issues")
    pmqa = (
        over(issues, lambda lo, hi: f"SUMPRODUCT($E${lo}:$E${hi},$F${lo}:$F${hi})")
        + f"/SUM({col('issues', 'E')})"
    )
    if has_kpis:
        kpis = sheet.block_pieces("indicators")
        results_weight = over(kpis, lambda lo, hi: f"SUMPRODUCT($J${lo}:$J${hi},$P${lo}:$P${hi})")
        weighted = over(
            kpis, lambda lo, hi: f"SUMPRODUCT($J${lo}:$J${hi},$P${lo}:$P${hi},$R${lo}:$R${hi})"
        )
        results = f'IF({results_weight}=0,"",{weighted}/{results_weight})'
    weights = k["part_weights"]
    wp, wr = f"$D${weights}", f"$E${weights}"
    overall = f'IF({res}="",{p},({wp}*{p}+{wr}*{res})/({wp}+{wr}))'
    return pmqa, results, overall


def _completeness(sheet: ScoreSheet) -> None:
    """Items answered and to answer (over the criteria's and indicators' checks), their
    ratio and "ตอบแล้ว x จาก y ข้อ"."""
    k = sheet.key_rows
    blocks = ["criteria", "indicators"] if sheet.rubric.indicators else ["criteria"]
    checks = [f"$B${lo}:$B${hi}" for b in blocks for lo, hi in sheet.block_pieces(b)]
    sheet.formula(k["pmqa_answered"], LABEL, "+".join(answered_count(c) for c in checks))
    sheet.formula(k["pmqa_required"], LABEL, "+".join(required_count(c) for c in checks))
    a, q = sheet.ref("pmqa_answered"), sheet.ref("pmqa_required")
    row = k["pmqa_completeness"]
    sheet.formula(row, LABEL, f"IF({q}=0,1,{a}/{q})", "0.0%")
    sheet.formula(row, 4, f'"ตอบแล้ว "&{a}&" จาก "&{q}&" ข้อ"')
    # Wider than column D at its longest ("ตอบแล้ว 999 จาก 999 ข้อ"): across D-F, which the
    # summary leaves empty, so it prints inside its border at the body's size.
    sheet.ws.cell(row=row, column=4).alignment = Alignment(
        horizontal="left", vertical="top", wrap_text=True
    )
    for col in (5, 6):
        sheet.ws.cell(row=row, column=col).border = thin_border()
    sheet.ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=6)
