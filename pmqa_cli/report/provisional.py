"""The template checks and scores itself: live checks and the provisional score sheet.

Everything here is generated from the rubric and written as ordinary, visible, protected
formulas, so an office that fills the workbook in Excel 2010+ or LibreOffice (and has no pmqa)
sees at once which answers are missing or invalid and what it would score:

* the sheet คะแนนเบื้องต้น reads every answer by its item id (INDEX/MATCH, so sorted or moved
  rows still count), reproduces pmqa's reading of it (docs/workbook-format.md) and its scoring
  (docs/scoring.md) from the rubric's numbers, which it shows as labelled cells;
* a ตรวจสอบ (check) column beside each answer shows that item's check, and conditional
  formatting colours the answer cell red while the check fails;
* each answer sheet counts its usable answers ("ตอบแล้ว 38 จาก 41 ข้อ");
* workbook-level names (``pmqa_overall`` ...) point at the headline cells.

Only functions that Excel 2010 and LibreOffice both have are used (no LET, IFS, XLOOKUP,
FILTER...). No text from the rubric is put inside a formula: formulas refer to the cells that
hold it. The official score stays pmqa's; the sheet says so.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import (
    OFFICE_FIELDS,
    SHEET_INDICATORS,
    SHEET_OFFICE,
    SHEET_PMQA,
    SHEET_SCORE,
)
from pmqa_cli.io.values import FLAG_TRUE
from pmqa_cli.report.formulas import (
    CHECK_BAD,
    CHECK_NONE,
    CHECK_OK,
    any_equal,
    interpolate,
    letter,
    literal,
    number_format,
    quoted,
    read_number,
    read_yes_no,
    rubric_number,
)
from pmqa_cli.report.live_checks import check_column, red_while_empty
from pmqa_cli.report.writer import (
    GROUP_FILL,
    body_font,
    fit_row_height,
    header_style,
    put,
    setup_page,
    thin_border,
)
from pmqa_cli.rubric.model import (
    DIMENSIONS,
    Aggregation,
    Direction,
    Indicator,
    Issue,
    Method,
    Rubric,
)

__all__ = [
    "HEADLINE_NAMES",
    "add_provisional",
    "guide_lines",
]

#: The check's words for the office's own target (target: workbook); the cell it flags.
TARGET_MISSING = "ยังไม่กรอกค่าเป้าหมาย / target missing"
TARGET_NOT_NUMBER = "ค่าเป้าหมายไม่ใช่ตัวเลข / target not a number"
TARGET_NOT_POSITIVE = "ค่าเป้าหมายต้องมากกว่า 0 / target must be above 0"
#: The check's words for a comma that is not a thousands separator (pmqa's decimal-comma).
DECIMAL_COMMA = "ทศนิยมใช้จุด เช่น 7.5 / decimal point, not comma"

#: Defined name -> the key in column A of the score sheet whose column-C cell it names.
HEADLINE_NAMES = (
    "pmqa_overall",
    "pmqa_band",
    "pmqa_part_pmqa",
    "pmqa_status",
    "pmqa_part_results",
    "pmqa_completeness",
    "pmqa_answered",
    "pmqa_required",
)

NOTE_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")

# Score-sheet columns (fixed, so the answer sheets can look a check up by item id).
KEY, CHECK, LABEL = 1, 2, 3
# Numbers are shown with up to 4 decimals at 14 pt: "500.0000" needs a width of about 12.
_WIDTHS = {1: 22, 2: 24, 3: 34, **dict.fromkeys(range(4, 21), 12)}
LAST_COL = 18


def _key_font() -> Font:
    """Column A's keys (defined names, codes): small and grey, so that the longest,
    pmqa_completeness, fits on one line."""
    return body_font(size=12, color="808080")


class _ScoreSheet:
    """Writes the คะแนนเบื้องต้น sheet row by row."""

    def __init__(
        self,
        ws: Worksheet,
        rubric: Rubric,
        pmqa_cols: dict[str, int],
        kpi_cols: dict[str, int],
    ) -> None:
        self.ws = ws
        self.rubric = rubric
        self.row = 1
        self.key_rows: dict[str, int] = {}
        self.pmqa_cols = pmqa_cols
        self.kpi_cols = kpi_cols
        self.fmt = number_format(rubric.scoring.decimals)

    # --- small writers ---------------------------------------------------------------------

    def text(self, row: int, col: int, value: object, **style: object) -> None:
        style.setdefault("border", thin_border())
        style.setdefault("alignment", WRAP)
        put(self.ws, row, col, value, **style)

    def formula(self, row: int, col: int, formula: str, number_format: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col)
        cell.value = "=" + formula
        cell.font = body_font()
        cell.border = thin_border()
        cell.alignment = CENTER
        if number_format:
            cell.number_format = number_format

    def section(self, title: str) -> None:
        self.row += 1
        for col in range(1, LAST_COL + 1):
            put(self.ws, self.row, col, None, fill=GROUP_FILL)
        put(self.ws, self.row, 1, title, font=body_font(bold=True), fill=GROUP_FILL)
        self.row += 1

    def header(self, labels: dict[int, str]) -> None:
        for col, label in labels.items():
            put(self.ws, self.row, col, label, **header_style())
        # Headers are bold and centred: allow them more lines than body text.
        fit_row_height(self.ws, self.row, {c: _WIDTHS[c] * 0.7 for c in labels})
        self.row += 1

    def keyed(self, key: str, label: str) -> int:
        row = self.row
        put(self.ws, row, KEY, key, font=_key_font(), border=thin_border())
        self.text(row, CHECK, label)
        self.key_rows[key] = row
        fit_row_height(self.ws, row, {CHECK: _WIDTHS[CHECK]})
        self.row += 1
        return row

    def fit(self, row: int) -> None:
        """A row tall enough for its label columns (B and C)."""
        fit_row_height(self.ws, row, {CHECK: _WIDTHS[CHECK], LABEL: _WIDTHS[LABEL]})

    def ref(self, key: str, col: int = LABEL, absolute: bool = True) -> str:
        d = "$" if absolute else ""
        return f"{d}{letter(col)}{d}{self.key_rows[key]}"

    # --- the sheet -------------------------------------------------------------------------

    def write(self) -> None:
        ws = self.ws
        for col, width in _WIDTHS.items():
            ws.column_dimensions[letter(col)].width = width
        put(ws, 1, 1, "คะแนนเบื้องต้น (คำนวณในไฟล์นี้) / Provisional score",
            font=body_font(bold=True, size=20))  # fmt: skip
        notice = (
            "คะแนนในแผ่นงานนี้เป็นคะแนนเบื้องต้นที่สูตรในไฟล์คำนวณจากคำตอบของหน่วยงาน "
            "เพื่อให้เห็นผลระหว่างกรอกข้อมูลเท่านั้น คะแนนทางการคือคะแนนที่ สพฐ. คำนวณ "
            "ห้ามแก้ไขแผ่นงานนี้\n"
            "This sheet's scores are provisional, computed by the workbook's formulas from your "
            "answers while you fill it in. The official score is the one OBEC computes."
        )
        put(ws, 2, 1, notice, font=body_font(bold=True, color="9C0006"), alignment=WRAP)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=LAST_COL)
        fit_row_height(ws, 2, {1: sum(_WIDTHS.values())})
        self.row = 3
        self.summary_block()
        self.constants_block()
        crit_rows = self.criteria_block()
        self.issues_block(crit_rows)
        self.indicators_block()
        self.categories_block()
        self.fill_summary()
        for (cell,) in ws.iter_rows(min_row=3, max_col=KEY):
            if cell.value is not None and cell.border.left.style:  # ids and keys, not titles
                cell.alignment = WRAP
        setup_page(ws, freeze=None)
        ws.print_title_rows = "1:1"

    def summary_block(self) -> None:
        self.section("สรุปคะแนนเบื้องต้น / Summary")
        self.keyed("office_type", "ประเภทหน่วยงานที่ใช้คำนวณ / Office type used")
        for key, label in (
            ("pmqa_overall", "คะแนนรวม / Overall score"),
            ("pmqa_band", "ระดับผลการประเมิน / Band"),
            ("pmqa_part_pmqa", "คะแนนหมวด 1-6 (PMQA 4.0) / Categories 1-6"),
            ("pmqa_status", "สถานะ PMQA 4.0 / PMQA 4.0 status"),
            ("pmqa_part_results", "คะแนนหมวด 7 (ตัวชี้วัด) / Category 7"),
            ("pmqa_completeness", "ความครบถ้วนของคำตอบ / Completeness"),
            ("pmqa_answered", "ตอบแล้ว (ข้อ) / Answered items"),
            ("pmqa_required", "ต้องตอบ (ข้อ) / Items to answer"),
        ):
            self.keyed(key, label)

    def constants_block(self) -> None:
        scoring = self.rubric.scoring
        self.section("ค่าจากเกณฑ์ที่ใช้คำนวณ / Numbers from the rubric")
        row = self.keyed("level_scores", "คะแนนระดับ 1-5 / Level scores")
        self.text(row, LABEL, "ระดับ 1, 2, 3, 4, 5")
        for n, score in enumerate(scoring.level_scores):
            self.text(row, 4 + n, score, alignment=CENTER)
        if scoring.aggregation is Aggregation.CATEGORY_MEAN:
            row = self.keyed("aggregation", "วิธีรวมคะแนน / Aggregation")
            self.text(row, LABEL, "คะแนนรวม = ค่าเฉลี่ยของหมวด 1-7 (หมวด 7 = ค่าเฉลี่ยของมิติ)")
        else:
            weights = scoring.part_weights
            row = self.keyed("part_weights", "น้ำหนักหมวด 1-6 และหมวด 7 / Part weights")
            self.text(row, LABEL, "หมวด 1-6, หมวด 7")
            self.text(row, 4, weights.pmqa, alignment=CENTER)
            self.text(row, 5, weights.results, alignment=CENTER)
        row = self.keyed("decimals", "ทศนิยม (ปัดครึ่งขึ้น) / Decimals")
        self.text(row, 4, scoring.decimals, alignment=CENTER)
        self.header({1: "รหัส", 2: "ระดับ / Tier", 3: "Tier", 4: "คะแนน"})
        for tier in scoring.tiers:
            row = self.row
            put(self.ws, row, KEY, tier.id, font=_key_font(), border=thin_border())
            self.text(row, CHECK, tier.title_th)
            self.text(row, LABEL, tier.title_en)
            self.text(row, 4, tier.points, alignment=CENTER)
            self.key_rows[f"tier:{tier.id}"] = row
            self.fit(row)
            self.row += 1
        row = self.keyed("below_first_tier", scoring.below_first_tier_th)
        self.text(row, LABEL, scoring.below_first_tier_en)
        self.fit(row)
        for name, bands, title in (
            ("overall_bands", scoring.overall_bands, "ระดับผลการประเมิน (คะแนนรวม) / Bands"),
            ("status_bands", scoring.pmqa_status_bands, "สถานะ PMQA 4.0 (หมวด 1-6) / Status"),
        ):
            self.header({1: "รหัส", 2: title, 3: "English", 4: "ตั้งแต่"})
            first = self.row
            for band in bands:
                row = self.row
                put(self.ws, row, KEY, name, font=_key_font(), border=thin_border())
                self.text(row, CHECK, band.label_th)
                self.text(row, LABEL, band.label_en)
                self.text(row, 4, band.min, alignment=CENTER)
                self.fit(row)
                self.row += 1
            self.key_rows[name] = first
            self.key_rows[f"{name}:last"] = self.row - 1

    # --- categories 1-6 ----------------------------------------------------------------------

    def criteria_block(self) -> dict[tuple[str, str], tuple[int, int]]:
        """One row per criterion; returns (issue id, tier id) -> (first row, last row)."""
        self.section("PMQA 4.0 หมวด 1-6: คำตอบรายเกณฑ์ / Criteria")
        self.header({1: "รหัส", 2: "ตรวจสอบ", 3: "ประเด็น / ระดับ", 4: "คะแนนระดับ",
                     5: "แถวที่", 6: "คำตอบที่กรอก", 7: "ผ่าน (1/0)"})  # fmt: skip
        sheet = quoted(SHEET_PMQA)
        id_col = f"{sheet}!$A:$A"
        answer_col = (
            f"{sheet}!${letter(self.pmqa_cols['answer'])}:${letter(self.pmqa_cols['answer'])}"
        )
        spans: dict[tuple[str, str], tuple[int, int]] = {}
        for issue in self.rubric.issues:
            for tier in issue.tiers:
                first = self.row
                default = self.rubric.tier_default(tier.id)
                for criterion in tier.criteria:
                    r = self.row
                    put(self.ws, r, KEY, criterion.id, border=thin_border())
                    self.text(r, LABEL, f"{issue.id} · {default.title_th}")
                    self.text(r, 4, self.rubric.tier_points(tier), alignment=CENTER)
                    self.formula(r, 5, f'IFERROR(MATCH($A{r},{id_col},0),"")')
                    cell = f"INDEX({answer_col},$E{r})"
                    self.formula(
                        r, 6,
                        f'IF($E{r}="","",IF(ISBLANK({cell}),"",IF(ISERROR({cell}),"#ERROR",'
                        f"{cell})))",
                    )  # fmt: skip
                    self.formula(r, 7, read_yes_no(f"$F{r}"))
                    self.formula(
                        r, CHECK,
                        f'IF($E{r}="",{literal(CHECK_BAD + " ไม่พบแถว / row missing")},'
                        f'IF($F{r}="#ERROR",{literal(CHECK_BAD + " ค่าผิดพลาด / error value")},'
                        f'IF($G{r}="?",{literal(CHECK_BAD + " ไม่ใช่ตัวเลือก / not a choice")},'
                        f'IF($G{r}="",{literal(CHECK_BAD + " ยังไม่ตอบ / missing")},'
                        f"{literal(CHECK_OK)}))))",
                    )  # fmt: skip
                    # One line tall enough for 16 pt Thai (column B holds a formula).
                    fit_row_height(self.ws, r, {LABEL: _WIDTHS[LABEL]})
                    self.row += 1
                spans[(issue.id, tier.id)] = (first, self.row - 1)
        self.key_rows["criteria"] = next(iter(spans.values()))[0]
        self.key_rows["criteria:last"] = self.row - 1
        return spans

    def issues_block(self, spans: dict[tuple[str, str], tuple[int, int]]) -> None:
        tiers = self.rubric.scoring.tiers
        self.section("PMQA 4.0 หมวด 1-6: คะแนนรายประเด็น / Issues")
        labels = {1: "รหัส", 2: "สถานะ / Status", 3: "ประเด็น / Issue", 4: "หมวด",
                  5: "น้ำหนัก", 6: "คะแนน"}  # fmt: skip
        for n, default in enumerate(tiers):
            labels[7 + 2 * n] = f"ผ่าน{default.title_th} (ข้อ)"
            labels[8 + 2 * n] = f"คะแนน{default.title_th}"
        self.header(labels)
        first = self.row
        for issue in self.rubric.issues:
            r = self.row
            put(self.ws, r, KEY, issue.id, border=thin_border())
            self.text(r, LABEL, issue.title_th)
            self.text(r, 4, issue.category, alignment=CENTER)
            self.text(r, 5, issue.weight, alignment=CENTER)
            complete: list[str] = []
            earned: list[str] = []
            for n, tier in enumerate(issue.tiers):
                lo, hi = spans[(issue.id, tier.id)]
                met_col, pts_col = letter(7 + 2 * n), letter(8 + 2 * n)
                self.formula(r, 7 + 2 * n, f"COUNTIF($G${lo}:$G${hi},1)")
                # A tier counts only when every lower tier is complete (docs/scoring.md).
                gate = "AND(" + ",".join(complete) + ")" if complete else "TRUE"
                self.formula(
                    r,
                    8 + 2 * n,
                    f"IF({gate},$D${lo}/ROWS($G${lo}:$G${hi})*{met_col}{r},0)",
                    self.fmt,
                )
                complete.append(f"{met_col}{r}=ROWS($G${lo}:$G${hi})")
                earned.append(f"{pts_col}{r}")
            # The status: the highest tier complete with every tier below it.
            self.formula(r, CHECK, self.status_chain(0, complete, issue))
            self.formula(r, 6, "SUM(" + ",".join(earned) + ")", self.fmt)
            # Generous, as for indicators: long Thai titles (OPDC's) wrap sooner than counted.
            fit_row_height(self.ws, r, {LABEL: _WIDTHS[LABEL] * 0.75})
            self.row += 1
        self.key_rows["issues"] = first
        self.key_rows["issues:last"] = self.row - 1

    def categories_block(self) -> None:
        """Each category's and dimension's score (the means ``category_mean`` adds up)."""
        k = self.key_rows
        i0, i1 = k["issues"], k["issues:last"]
        self.section("คะแนนรายหมวดและรายมิติ / Categories and dimensions")
        self.header({1: "รหัส", 2: "", 3: "หมวด / มิติ", 4: "คะแนน", 5: "เลขหมวด / มิติ"})
        first = self.row
        for category in sorted({i.category for i in self.rubric.issues}):
            r = self.row
            put(self.ws, r, KEY, f"category_{category}", font=_key_font(),
                border=thin_border())  # fmt: skip
            self.text(r, LABEL, f"หมวด {category}")
            self.text(r, 5, category, alignment=CENTER)
            inside = f"($D${i0}:$D${i1}=$E{r})*$E${i0}:$E${i1}"
            self.formula(
                r, 4, f"SUMPRODUCT({inside}*$F${i0}:$F${i1})/SUMPRODUCT({inside})", self.fmt
            )
            fit_row_height(self.ws, r, {LABEL: _WIDTHS[LABEL]})
            self.row += 1
        k["categories"], k["categories:last"] = first, self.row - 1
        if not self.rubric.indicators:
            return
        first = self.row
        present = {i.dimension for i in self.rubric.indicators}
        n0, n1 = k["indicators"], k["indicators:last"]
        for dimension in [d for d in DIMENSIONS if d in present]:
            r = self.row
            put(self.ws, r, KEY, f"dimension_{dimension}", font=_key_font(),
                border=thin_border())  # fmt: skip
            self.text(r, LABEL, f"มิติ {dimension}")
            self.text(r, 5, dimension, alignment=CENTER)
            inside = f"($D${n0}:$D${n1}=$E{r})*$J${n0}:$J${n1}*$P${n0}:$P${n1}"
            self.formula(
                r, 4,
                f'IF(SUMPRODUCT({inside})=0,"",'
                f"SUMPRODUCT({inside}*$R${n0}:$R${n1})/SUMPRODUCT({inside}))",
                self.fmt,
            )  # fmt: skip
            fit_row_height(self.ws, r, {LABEL: _WIDTHS[LABEL]})
            self.row += 1
        k["dimensions"], k["dimensions:last"] = first, self.row - 1

    # --- category 7 --------------------------------------------------------------------------

    def indicators_block(self) -> None:
        self.section("หมวด 7: คะแนนรายตัวชี้วัด / Indicators")
        self.header({1: "รหัส", 2: "ตรวจสอบ", 3: "ตัวชี้วัด [วิธีคิด]", 4: "มิติ",
                     5: "เกณฑ์ 1", 6: "เกณฑ์ 2", 7: "เกณฑ์ 3", 8: "เกณฑ์ 4", 9: "เกณฑ์ 5",
                     10: "น้ำหนัก", 11: "ใช้กับ", 12: "แถวที่", 13: "ผลที่กรอก",
                     14: "ไม่เกี่ยวข้อง (1/0)", 15: "ค่าที่ใช้", 16: "นับ (1/0)", 17: "ระดับ",
                     18: "คะแนน", **({19: "เป้าหมายที่กรอก", 20: "เป้าหมายที่ใช้"}
                                     if self.rubric.has_workbook_targets else {})})  # fmt: skip
        first = self.row
        for indicator in self.rubric.indicators:
            self.indicator_row(indicator)
        self.key_rows["indicators"] = first
        self.key_rows["indicators:last"] = self.row - 1

    def indicator_row(self, ind: Indicator) -> None:
        r = self.row
        ws = self.ws
        put(ws, r, KEY, ind.id, border=thin_border())
        low, high = ind.value_range
        span = (
            f"{rubric_number(low)}-{rubric_number(high)}"
            if low is not None and high is not None
            else ""
        )
        self.text(r, LABEL, f"{ind.title_th}\n[{self.method_text(ind, span)}]")
        self.text(r, 4, ind.dimension, alignment=CENTER)
        for n, threshold in enumerate(ind.thresholds or []):
            self.text(r, 5 + n, threshold, alignment=CENTER)
        target = ind.rubric_target if ind.method is Method.TARGET_RATIO else None
        if target is not None:
            self.text(r, 5, target, alignment=CENTER)
        self.text(r, 10, ind.weight, alignment=CENTER)
        applies_text = {"both": "ทั้งหมด", "primary": "สพป.", "secondary": "สพม."}
        self.text(r, 11, applies_text[ind.applies_to], alignment=CENTER)
        sheet = quoted(SHEET_INDICATORS)
        value_col = letter(self.kpi_cols["value"])
        na_col = letter(self.kpi_cols["na"])
        self.formula(r, 12, f'IFERROR(MATCH($A{r},{sheet}!$A:$A,0),"")')
        cell = f"INDEX({sheet}!${value_col}:${value_col},$L{r})"
        na_cell = f"INDEX({sheet}!${na_col}:${na_col},$L{r})"
        self.formula(
            r, 13,
            f'IF($L{r}="","",IF(ISBLANK({cell}),"",IF(ISERROR({cell}),"#ERROR",{cell})))',
        )  # fmt: skip
        self.formula(
            r, 14,
            f'IF($L{r}="",0,IF(ISERROR({na_cell}),0,IF(ISLOGICAL({na_cell}),IF({na_cell},1,0),'
            f"IF(ISNUMBER({na_cell}),IF({na_cell}=1,1,0),"
            f"IF({any_equal(f'TRIM({na_cell})', FLAG_TRUE)},1,0)))))",
        )  # fmt: skip
        raw = f"$M{r}"
        percent = ind.unit == "percent"
        if ind.method is Method.PASS_FAIL:
            self.formula(r, 15, read_yes_no(raw))
        else:
            self.formula(r, 15, read_number(raw, cell, percent))
        own_target = ind.method is Method.TARGET_RATIO and ind.rubric_target is None
        if own_target and "target" in self.kpi_cols:
            col = letter(self.kpi_cols["target"])
            target_cell = f"INDEX({sheet}!${col}:${col},$L{r})"
            self.formula(
                r, 19,
                f'IF($L{r}="","",IF(ISBLANK({target_cell}),"",IF(ISERROR({target_cell}),'
                f'"#ERROR",{target_cell})))',
            )  # fmt: skip
            self.formula(r, 20, read_number(f"$S{r}", target_cell, percent))
        value = f"$O{r}"
        has_value = f"ISNUMBER({value})"
        na_marked = f'AND(OR($N{r}=1,{value}="N/A"),NOT({has_value}),{value}<>"?")'
        office_type = self.ref("office_type")
        applies = (
            "TRUE" if ind.applies_to == "both" else f'OR({office_type}="ไม่ระบุ",{office_type}=$K{r})'
        )
        # The value's own problems, in the order pmqa checks them (docs/scoring.md).
        problems: list[tuple[str, str]] = []
        if ind.unit == "percent":
            problems.append((f"{value}>100", " เกิน 100 / over 100%"))
        if ind.method is Method.STEPS:
            problems.append((f"{value}<>INT({value})", " ต้องเป็นจำนวนเต็ม / whole number"))
        if low is not None:
            problems.append((f"{value}<{rubric_number(low)}", f" นอกช่วง {span} / out of range"))
        if high is not None:
            problems.append((f"{value}>{rubric_number(high)}", f" นอกช่วง {span} / out of range"))
        invalid = "OR(" + ",".join(c for c, _ in problems) + ")" if problems else "FALSE"
        # IF, not AND: AND evaluates every argument, and INT("") is an error.
        valid = f"IF({has_value},NOT({invalid}),FALSE)"
        fraction = "FALSE"
        if (
            ind.unit == "percent"
            and ind.thresholds
            and min(ind.thresholds) >= 10
            and ind.method is Method.INTERPOLATE
        ):
            fraction = f'AND({has_value},{value}>0,{value}<=1,LEFT(CELL("format",{cell}),1)<>"P")'
        bad = CHECK_BAD
        check = f"{literal(CHECK_OK)}"
        if own_target:
            # The office's own target (docs/scoring.md): flagged at its own cell.
            t = f"$T{r}"
            check = (
                f'IF({t}="",{literal(bad + " " + TARGET_MISSING)},IF(NOT(ISNUMBER({t})),'
                f"{literal(bad + ' ' + TARGET_NOT_NUMBER)},"
                f"IF({t}<=0,{literal(bad + ' ' + TARGET_NOT_POSITIVE)},{check})))"
            )
        check = f"IF({fraction},{literal(bad + ' เป็นสัดส่วน? กรอกเป็นร้อยละ / a fraction?')},{check})"
        for condition, message in reversed(problems):
            check = f"IF({condition},{literal(bad + message)},{check})"
        if ind.method is Method.PASS_FAIL:
            not_read = literal(bad + " ไม่ใช่ตัวเลือก / not a choice")
        else:
            # A comma that is not a thousands separator: pmqa's decimal-comma.
            not_read = (
                f'IF(ISNUMBER(FIND(",",{raw})),{literal(bad + " " + DECIMAL_COMMA)},'
                f"{literal(bad + ' ไม่ใช่ตัวเลข / not a number')})"
            )
        check = (
            f'IF($L{r}="",{literal(bad + " ไม่พบแถว / row missing")},'
            f'IF({raw}="#ERROR",{literal(bad + " ค่าผิดพลาด / error value")},'
            f'IF({value}="?",{not_read},'
            f"IF(AND($N{r}=1,{has_value}),{literal(bad + ' มีทั้งค่าและไม่เกี่ยวข้อง / value and N/A')},"
            + (
                f"IF({na_marked},{literal(CHECK_OK + ' ไม่เกี่ยวข้อง (ไม่นับ) / N/A')},"
                if ind.na_allowed
                else f"IF({na_marked},{literal(bad + ' ระบุไม่เกี่ยวข้องไม่ได้ / N/A not allowed')},"
            )
            + f"IF(NOT({has_value}),{literal(bad + ' ยังไม่ตอบ / missing')},{check}))))))"
        )
        self.formula(
            r, CHECK, f"IF(NOT({applies}),{literal(CHECK_NONE + ' ไม่ใช้กับหน่วยงานนี้')},{check})"
        )
        counted = f"IF({applies},IF({na_marked},{0 if ind.na_allowed else 1},1),0)"
        self.formula(r, 16, counted)
        levels = f"$D${self.key_rows['level_scores']}:$H${self.key_rows['level_scores']}"
        q, score = f"$Q{r}", f"$R{r}"
        if ind.method is Method.TARGET_RATIO:
            self.formula(r, 18, f"IF(AND($P{r}=1,{valid}),{self.ratio_score(ind, value, r)},0)",
                         self.fmt)  # fmt: skip
            # The level is where the score stands on the level scores (aggregate.level_of_score).
            steps = [f"INDEX({levels},{n})" for n in range(1, 6)]
            inner = "5"
            for n in (4, 3, 2, 1):
                inner = (
                    f"IF({score}<{steps[n]},{n}+({score}-{steps[n - 1]})/({steps[n]}-"
                    f"{steps[n - 1]}),{inner})"
                )
            self.formula(
                r, 17, f"IF({score}<=0,0,IF({score}<{steps[0]},{score}/{steps[0]},{inner}))",
                self.fmt,
            )  # fmt: skip
        else:
            if ind.method is Method.INTERPOLATE:
                level = interpolate(value, r, ind.direction)
            elif ind.method is Method.STEPS:
                level = f"MIN(MAX(INT({value}),0),5)"
            else:
                level = f"IF({value}=1,5,0)"
            self.formula(r, 17, f"IF(AND($P{r}=1,{valid}),{level},0)", self.fmt)
            self.formula(
                r, 18,
                f"IF({q}<1,0,IF({q}>=5,INDEX({levels},5),INDEX({levels},INT({q}))"
                f"+({q}-INT({q}))*(INDEX({levels},INT({q})+1)-INDEX({levels},INT({q})))))",
                self.fmt,
            )  # fmt: skip
        # Generous: LibreOffice breaks the bracketed method line ("[เทียบเกณฑ์ 1-5, ค่าน้อยดี
        # ช่วง 0-365]") at its spaces, earlier than a character count says.
        fit_row_height(ws, r, {LABEL: _WIDTHS[LABEL] * 0.75})
        self.row += 1

    def method_text(self, ind: Indicator, span: str) -> str:
        if ind.method is Method.STEPS:
            return "ขั้นตอน 0-5"
        if ind.method is Method.PASS_FAIL:
            return "ผ่าน/ไม่ผ่าน"
        direction = "ค่าน้อยดี" if ind.direction is Direction.LOWER else "ค่ามากดี"
        text = f"{direction} ช่วง {span}" if span else direction
        if ind.method is Method.TARGET_RATIO:
            bands = "; ".join(
                ("≤" + rubric_number(float(b.up_to)) + "%: " if b.up_to is not None else "อื่น ๆ: ")
                + (
                    f"×{rubric_number(float(b.multiply))}"
                    if b.multiply is not None
                    else rubric_number(float(b.score or 0))
                )
                for b in self.rubric.ratio_bands(ind)
            )
            return f"ร้อยละของเป้าหมาย (เป้าหมายที่ เกณฑ์ 1) {text}; {bands}"
        return f"เทียบเกณฑ์ 1-5, {text}"

    def ratio_score(self, ind: Indicator, value: str, r: int) -> str:
        """The success rate's score by the rubric's bands, kept within 0 and the top score."""
        target = f"$E{r}" if ind.rubric_target is not None else f"$T{r}"
        ratio = f"{value}/{target}*100"
        if ind.direction is Direction.LOWER:
            ratio = f"(200-{ratio})"
        # Rounded to 10 places where it meets a band edge: 89.25/85*100 is 105 exactly for
        # pmqa (Decimal) but 105.00000000000001 in binary. Multiplied unrounded: 93.8333... x 3
        # must stay 281.5 (the rounded rate would give 281.4999999999).
        rate = f"ROUND({ratio},10)"
        top = f"$H${self.key_rows['level_scores']}"
        result = "0"
        for band in reversed(self.rubric.ratio_bands(ind)):
            rule = (
                f"{ratio}*{rubric_number(float(band.multiply))}"
                if band.multiply is not None
                else rubric_number(float(band.score or 0))
            )
            result = (
                rule
                if band.up_to is None
                else (f"IF({rate}<={rubric_number(float(band.up_to))},{rule},{result})")
            )
        return f"IF(ISNUMBER({target}),IF({target}>0,MIN(MAX({result},0),{top}),0),0)"

    # --- the headline cells ------------------------------------------------------------------

    def fill_summary(self) -> None:
        k = self.key_rows
        office = quoted(SHEET_OFFICE)
        type_cell = f'INDEX({office}!$C:$C,MATCH("office_type",{office}!$A:$A,0))'
        t = f"TRIM({type_cell})"
        primary = f'OR(LEFT({t},3)="สพป",ISNUMBER(SEARCH("ประถม",{t})),{t}="primary",{t}="p")'
        secondary = f'OR(LEFT({t},3)="สพม",ISNUMBER(SEARCH("มัธยม",{t})),{t}="secondary",{t}="s")'
        self.formula(
            k["office_type"],
            LABEL,
            f'IFERROR(IF({primary},"สพป.",IF({secondary},"สพม.","ไม่ระบุ")),"ไม่ระบุ")',
        )
        c0, c1 = k["criteria"], k["criteria:last"]
        i0, i1 = k["issues"], k["issues:last"]
        has_kpis = bool(self.rubric.indicators)
        n0, n1 = k["indicators"], k["indicators:last"]
        p, res = self.ref("pmqa_part_pmqa"), self.ref("pmqa_part_results")
        if self.rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            a0, a1 = k["categories"], k["categories:last"]
            pmqa = f"SUM($D${a0}:$D${a1})/ROWS($D${a0}:$D${a1})"
            results = '""'
            if has_kpis:
                d0, d1 = k["dimensions"], k["dimensions:last"]
                results = (
                    f'IF(COUNT($D${d0}:$D${d1})=0,"",SUM($D${d0}:$D${d1})/COUNT($D${d0}:$D${d1}))'
                )
            overall = f'IF({res}="",{p},(SUM($D${a0}:$D${a1})+{res})/(ROWS($D${a0}:$D${a1})+1))'
        else:
            weights = k["part_weights"]
            pmqa = f"SUMPRODUCT($E${i0}:$E${i1},$F${i0}:$F${i1})/SUM($E${i0}:$E${i1})"
            results = '""'
            if has_kpis:
                results_weight = f"SUMPRODUCT($J${n0}:$J${n1},$P${n0}:$P${n1})"
                results = (
                    f'IF({results_weight}=0,"",SUMPRODUCT($J${n0}:$J${n1},$P${n0}:$P${n1},'
                    f"$R${n0}:$R${n1})/{results_weight})"
                )
            wp, wr = f"$D${weights}", f"$E${weights}"
            overall = f'IF({res}="",{p},({wp}*{p}+{wr}*{res})/({wp}+{wr}))'
        self.formula(k["pmqa_part_pmqa"], LABEL, pmqa, self.fmt)
        self.formula(k["pmqa_part_results"], LABEL, results, self.fmt)
        self.formula(k["pmqa_overall"], LABEL, overall, self.fmt)
        decimals = f"$D${k['decimals']}"
        for key, band, value in (
            ("pmqa_band", "overall_bands", self.ref("pmqa_overall")),
            ("pmqa_status", "status_bands", p),
        ):
            b0, b1 = k[band], k[f"{band}:last"]
            self.formula(
                k[key],
                LABEL,
                f"LOOKUP(ROUND({value},{decimals}),$D${b0}:$D${b1},$B${b0}:$B${b1})",
            )
        checks = [(c0, c1), (n0, n1)] if has_kpis else [(c0, c1)]
        answered = "+".join(
            f'SUMPRODUCT(--(LEFT($B${a}:$B${b},1)="{CHECK_OK}"))' for a, b in checks
        )
        required = "+".join(
            f'SUMPRODUCT(--(LEFT($B${a}:$B${b},1)<>"{CHECK_NONE}"))' for a, b in checks
        )
        self.formula(k["pmqa_answered"], LABEL, answered)
        self.formula(k["pmqa_required"], LABEL, required)
        a, q = self.ref("pmqa_answered"), self.ref("pmqa_required")
        self.formula(k["pmqa_completeness"], LABEL, f"IF({q}=0,1,{a}/{q})", "0.0%")
        row = k["pmqa_completeness"]
        self.formula(row, 4, f'"ตอบแล้ว "&{a}&" จาก "&{q}&" ข้อ"')
        self.ws.cell(row=row, column=4).alignment = Alignment(horizontal="left")
        for key in HEADLINE_NAMES:
            cell = self.ws.cell(row=k[key], column=LABEL)
            cell.font = body_font(bold=True)
            cell.fill = NOTE_FILL

    def status_chain(self, n: int, complete: list[str], issue: Issue) -> str:
        """IF(tier n complete, <status from tier n+1 on>, <label of tier n-1>)."""
        below = (
            self.ref("below_first_tier", CHECK)
            if n == 0
            else self.ref(f"tier:{issue.tiers[n - 1].id}", CHECK)
        )
        if n == len(issue.tiers):
            return below
        return f"IF({complete[n]},{self.status_chain(n + 1, complete, issue)},{below})"

    def completeness_formula(self, first: int, last: int) -> str:
        """ "ตอบแล้ว x จาก y ข้อ" over one block of check cells of this sheet."""
        sheet = quoted(SHEET_SCORE)
        rng = f"{sheet}!$B${first}:$B${last}"
        return (
            f'"ตอบแล้ว "&SUMPRODUCT(--(LEFT({rng},1)="{CHECK_OK}"))&" จาก "'
            f'&SUMPRODUCT(--(LEFT({rng},1)<>"{CHECK_NONE}"))&" ข้อ"'
        )


def add_provisional(
    wb: Workbook,
    rubric: Rubric,
    pmqa_rows: dict[str, int],
    indicator_rows: dict[str, int],
    pmqa_cols: dict[str, int],
    kpi_cols: dict[str, int],
    office_rows: dict[str, int],
    office_value_column: int,
) -> None:
    """Add the score sheet (after the indicator sheet), the check columns, the red answer
    cells, the completeness counts and the defined names to a template being built."""
    # After the indicator sheet (a rubric of categories 1-6 only has none: after PMQA 4.0).
    last_input = SHEET_INDICATORS if SHEET_INDICATORS in wb.sheetnames else SHEET_PMQA
    ws = wb.create_sheet(SHEET_SCORE, wb.sheetnames.index(last_input) + 1)
    score = _ScoreSheet(ws, rubric, pmqa_cols, kpi_cols)
    score.write()
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    k = score.key_rows
    inputs = [(SHEET_PMQA, pmqa_cols, pmqa_rows, "answer", "criteria")]
    if rubric.indicators and SHEET_INDICATORS in wb.sheetnames:
        inputs.append((SHEET_INDICATORS, kpi_cols, indicator_rows, "value", "indicators"))
    for name, cols, rows, target, block in inputs:
        ws_input = wb[name]
        assert isinstance(ws_input, Worksheet)
        check_column(ws_input, cols, rows, target)
        cell = ws_input.cell(row=1, column=cols[target])
        cell.value = "=" + score.completeness_formula(k[block], k[f"{block}:last"])
        cell.font = body_font(bold=True, size=16, color="1F4E79")
        cell.alignment = Alignment(horizontal="left", vertical="center")
    office = wb[SHEET_OFFICE]
    assert isinstance(office, Worksheet)
    # Required office details: red while empty.
    required = [office_rows[f.key] for f in OFFICE_FIELDS if f.required and f.key in office_rows]
    red_while_empty(office, office_value_column, required)
    sheet = quoted(SHEET_SCORE)
    for name in HEADLINE_NAMES:
        ref = f"{sheet}!${letter(LABEL)}${k[name]}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def guide_lines() -> list[tuple[str, bool]]:
    """The instruction sheet's lines about the colours and the provisional score."""
    return [
        ("", False),
        ("สีและการตรวจสอบอัตโนมัติ", True),
        ("• ช่องสีเหลือง คือช่องที่หน่วยงานกรอก ช่องอื่นถูกล็อกไว้", False),
        (f"• ช่องคำตอบเปลี่ยนเป็นสีแดง และคอลัมน์ 'ตรวจสอบ' แสดง {CHECK_BAD} พร้อมเหตุผล "
         "เมื่อยังไม่ได้ตอบ คำตอบไม่ใช่ตัวเลือกในรายการ ไม่ใช่ตัวเลข หรืออยู่นอกช่วงที่ตัวชี้วัดยอมรับ "
         f"แก้จนขึ้น {CHECK_OK} ทุกข้อ (ปัญหาเดียวกับที่ สพฐ. จะแจ้งกลับ)", False),
        ("• ด้านบนของแผ่นงาน PMQA 4.0 และตัวชี้วัด แสดงจำนวนข้อที่ตอบแล้ว เช่น "
         "'ตอบแล้ว 38 จาก 41 ข้อ'", False),
        ("", False),
        ("คะแนนเบื้องต้น", True),
        (f"• แผ่นงาน '{SHEET_SCORE}' คำนวณคะแนนรายเกณฑ์ รายประเด็น รายตัวชี้วัด คะแนนหมวด 1-6 "
         "หมวด 7 คะแนนรวม ระดับผลการประเมิน และสถานะ PMQA 4.0 ด้วยสูตรจากคำตอบในไฟล์นี้ "
         "ตามวิธีคิดคะแนนด้านบน แผ่นงานนี้ถูกล็อกไว้ ห้ามแก้ไข", False),
        ("• คะแนนนี้เป็นคะแนนเบื้องต้นเพื่อดูผลระหว่างกรอกเท่านั้น คะแนนทางการคือคะแนนที่ สพฐ. "
         "คำนวณจากไฟล์ที่ส่ง หากคะแนนในไฟล์ไม่ตรงกับที่ สพฐ. คำนวณ "
         "(เช่น มีการแก้สูตร หรือโปรแกรมไม่ได้คำนวณใหม่) จะได้รับแจ้งเป็นข้อสังเกต", False),
        ("Colours: yellow cells are yours to fill; an answer turns red, with the reason in "
         "the check column, while it is missing, not one of the choices or out of range. "
         f"The sheet '{SHEET_SCORE}' shows a provisional score computed by formulas; the "
         "official score is the one OBEC computes.", False),
    ]  # fmt: skip
