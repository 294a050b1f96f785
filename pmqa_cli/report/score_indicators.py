"""Category 7 on the provisional score sheet: one row per indicator.

A row shows the indicator as the rubric defines it (thresholds or target, weight, to whom it
applies), reads the office's value, N/A mark and own target from the indicator sheet by id as
pmqa does (docs/workbook-format.md), checks them in the order pmqa does, and scores the value
by the indicator's method (docs/scoring.md).

Columns: A id, B check, C title and method, D dimension, E-I thresholds (E: the rubric's
target), J weight, K applies to, L row on the indicator sheet, M value entered, N N/A (1/0),
O value read, P counted (1/0), Q level, R score, S-T own target entered and read.
"""

from __future__ import annotations

from pmqa_cli.io.layout import SHEET_INDICATORS
from pmqa_cli.io.values import FLAG_TRUE
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.formulas import (
    CHECK_BAD,
    CHECK_NONE,
    CHECK_OK,
    any_equal,
    found_value,
    interpolate,
    literal,
    quoted,
    read_number,
    read_yes_no,
    row_problems,
    rubric_number,
)
from pmqa_cli.report.score_sheet import CENTER, CHECK, LABEL, ScoreSheet
from pmqa_cli.rubric.model import Direction, Indicator, Method, Rubric

__all__ = ["indicators_block"]

#: The check's words for the office's own target (target: workbook); the cell it flags.
TARGET_MISSING = "ยังไม่กรอกค่าเป้าหมาย / target missing"
TARGET_NOT_NUMBER = "ค่าเป้าหมายไม่ใช่ตัวเลข / target not a number"
TARGET_NOT_POSITIVE = "ค่าเป้าหมายต้องมากกว่า 0 / target must be above 0"
#: The check's words for a comma that is not a thousands separator (pmqa's decimal-comma).
DECIMAL_COMMA = "ทศนิยมใช้จุด เช่น 7.5 / decimal point, not comma"

_APPLIES_TH = {"both": "ทั้งหมด", "primary": "สพป.", "secondary": "สพม."}


def indicators_block(sheet: ScoreSheet) -> None:
    """The indicators' rows (a header only for a rubric of categories 1-6 only)."""
    labels = {1: "รหัส", 2: "ตรวจสอบ", 3: "ตัวชี้วัด [วิธีคิด]", 4: "มิติ", 5: "เกณฑ์ 1",
              6: "เกณฑ์ 2", 7: "เกณฑ์ 3", 8: "เกณฑ์ 4", 9: "เกณฑ์ 5", 10: "น้ำหนัก",
              11: "ใช้กับ", 12: "แถวที่", 13: "ผลที่กรอก", 14: "ไม่เกี่ยวข้อง (1/0)",
              15: "ค่าที่ใช้", 16: "นับ (1/0)", 17: "ระดับ", 18: "คะแนน",
              **({19: "เป้าหมายที่กรอก", 20: "เป้าหมายที่ใช้"}
                 if sheet.rubric.has_workbook_targets else {})}  # fmt: skip
    with sheet.block("indicators", "หมวด 7: คะแนนรายตัวชี้วัด / Indicators", labels):
        for r, indicator in sheet.rows(sheet.rubric.indicators):
            _indicator_row(sheet, r, indicator)


def _indicator_row(sheet: ScoreSheet, r: int, ind: Indicator) -> None:
    low, high = ind.value_range
    span = (
        f"{rubric_number(low)}-{rubric_number(high)}"
        if low is not None and high is not None
        else ""
    )
    _describe(sheet, r, ind, span)
    cell = _read(sheet, r, ind)
    value = f"$O{r}"
    has_value = f"ISNUMBER({value})"
    na_marked = f'AND(OR($N{r}=1,{value}="N/A"),NOT({has_value}),{value}<>"?")'
    office_type = sheet.ref("office_type")
    applies = (
        "TRUE" if ind.applies_to == "both" else f'OR({office_type}="ไม่ระบุ",{office_type}=$K{r})'
    )
    problems = _value_problems(ind, value, span)
    invalid = "OR(" + ",".join(c for c, _ in problems) + ")" if problems else "FALSE"
    # IF, not AND: AND evaluates every argument, and INT("") is an error.
    valid = f"IF({has_value},NOT({invalid}),FALSE)"
    check = _check(ind, r, cell, problems, na_marked)
    not_applied = literal(CHECK_NONE + " ไม่ใช้กับหน่วยงานนี้")
    sheet.formula(r, CHECK, f"IF(NOT({applies}),{not_applied},{check})")
    counted = f"IF({applies},IF({na_marked},{0 if ind.na_allowed else 1},1),0)"
    sheet.formula(r, 16, counted)
    _score(sheet, r, ind, valid)
    # Generous: LibreOffice breaks the bracketed method line ("[เทียบเกณฑ์ 1-5, ค่าน้อยดี
    # ช่วง 0-365]") at its spaces, earlier than a character count says.
    sheet.fit(r, LABEL, generous=True)


def _own_target(ind: Indicator) -> bool:
    """Whether the office enters the indicator's target (target: workbook)."""
    return ind.method is Method.TARGET_RATIO and ind.rubric_target is None


def _describe(sheet: ScoreSheet, r: int, ind: Indicator, span: str) -> None:
    """Columns A-K: the indicator as the rubric defines it."""
    sheet.item(r, ind.id)
    sheet.text(r, LABEL, f"{ind.title_th}\n[{_method_text(sheet.rubric, ind, span)}]")
    sheet.text(r, 4, ind.dimension, alignment=CENTER)
    for n, threshold in enumerate(ind.thresholds or []):
        sheet.text(r, 5 + n, threshold, alignment=CENTER)
    target = ind.rubric_target if ind.method is Method.TARGET_RATIO else None
    if target is not None:
        sheet.text(r, 5, target, alignment=CENTER)
    sheet.text(r, 10, ind.weight, alignment=CENTER)
    sheet.text(r, 11, _APPLIES_TH[ind.applies_to], alignment=CENTER)


def _read(sheet: ScoreSheet, r: int, ind: Indicator) -> str:
    """Columns L-O and S-T: the indicator's row, value, N/A mark and own target as pmqa reads
    them; returns the reference of the value's cell on the indicator sheet."""
    answers = quoted(SHEET_INDICATORS)
    value_col = column_letter(sheet.kpi_cols["value"])
    na_col = column_letter(sheet.kpi_cols["na"])
    sheet.formula(r, 12, f'IFERROR(MATCH($A{r},{answers}!$A:$A,0),"")')
    cell = f"INDEX({answers}!${value_col}:${value_col},$L{r})"
    na_cell = f"INDEX({answers}!${na_col}:${na_col},$L{r})"
    sheet.formula(r, 13, found_value(f"$L{r}", cell))
    sheet.formula(
        r, 14,
        f'IF($L{r}="",0,IF(ISERROR({na_cell}),0,IF(ISLOGICAL({na_cell}),IF({na_cell},1,0),'
        f"IF(ISNUMBER({na_cell}),IF({na_cell}=1,1,0),"
        f"IF({any_equal(f'TRIM({na_cell})', FLAG_TRUE)},1,0)))))",
    )  # fmt: skip
    raw = f"$M{r}"
    percent = ind.unit == "percent"
    if ind.method is Method.PASS_FAIL:
        sheet.formula(r, 15, read_yes_no(raw))
    else:
        sheet.formula(r, 15, read_number(raw, cell, percent))
    if _own_target(ind) and "target" in sheet.kpi_cols:
        col = column_letter(sheet.kpi_cols["target"])
        target_cell = f"INDEX({answers}!${col}:${col},$L{r})"
        sheet.formula(r, 19, found_value(f"$L{r}", target_cell))
        sheet.formula(r, 20, read_number(f"$S{r}", target_cell, percent))
    return cell


def _value_problems(ind: Indicator, value: str, span: str) -> list[tuple[str, str]]:
    """The value's own problems, in the order pmqa checks them (docs/scoring.md): each a
    condition and the check's words."""
    low, high = ind.value_range
    problems: list[tuple[str, str]] = []
    if ind.unit == "percent":
        problems.append((f"{value}>100", " เกิน 100 / over 100%"))
    if ind.method is Method.STEPS:
        problems.append((f"{value}<>INT({value})", " ต้องเป็นจำนวนเต็ม / whole number"))
    if low is not None:
        problems.append((f"{value}<{rubric_number(low)}", f" นอกช่วง {span} / out of range"))
    if high is not None:
        problems.append((f"{value}>{rubric_number(high)}", f" นอกช่วง {span} / out of range"))
    return problems


def _check(
    ind: Indicator, r: int, cell: str, problems: list[tuple[str, str]], na_marked: str
) -> str:
    """The indicator's check for an office it applies to: its row, an error value, a number
    or choice, N/A, an answer, the value's problems, a fraction for a percentage, the own
    target."""
    bad = CHECK_BAD
    raw, value = f"$M{r}", f"$O{r}"
    has_value = f"ISNUMBER({value})"
    check = literal(CHECK_OK)
    if _own_target(ind):
        # The office's own target (docs/scoring.md): flagged at its own cell.
        t = f"$T{r}"
        check = (
            f'IF({t}="",{literal(bad + " " + TARGET_MISSING)},IF(NOT(ISNUMBER({t})),'
            f"{literal(bad + ' ' + TARGET_NOT_NUMBER)},"
            f"IF({t}<=0,{literal(bad + ' ' + TARGET_NOT_POSITIVE)},{check})))"
        )
    fraction = "FALSE"
    if (
        ind.unit == "percent"
        and ind.thresholds
        and min(ind.thresholds) >= 10
        and ind.method is Method.INTERPOLATE
    ):
        fraction = f'AND({has_value},{value}>0,{value}<=1,LEFT(CELL("format",{cell}),1)<>"P")'
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
    na = (
        literal(CHECK_OK + " ไม่เกี่ยวข้อง (ไม่นับ) / N/A")
        if ind.na_allowed
        else literal(bad + " ระบุไม่เกี่ยวข้องไม่ได้ / N/A not allowed")
    )
    return row_problems(
        f"$L{r}",
        raw,
        f'IF({value}="?",{not_read},'
        f"IF(AND($N{r}=1,{has_value}),{literal(bad + ' มีทั้งค่าและไม่เกี่ยวข้อง / value and N/A')},"
        f"IF({na_marked},{na},"
        f"IF(NOT({has_value}),{literal(bad + ' ยังไม่ตอบ / missing')},{check}))))",
    )


def _score(sheet: ScoreSheet, r: int, ind: Indicator, valid: str) -> None:
    """Columns Q and R: the level and the score of a valid value that counts, else 0."""
    row = sheet.key_rows["level_scores"]
    levels = f"$D${row}:$H${row}"
    value, q, score = f"$O{r}", f"$Q{r}", f"$R{r}"
    if ind.method is Method.TARGET_RATIO:
        ratio = _ratio_score(sheet, ind, value, r)
        sheet.formula(r, 18, f"IF(AND($P{r}=1,{valid}),{ratio},0)", sheet.fmt)
        # The level is where the score stands on the level scores (aggregate.level_of_score).
        steps = [f"INDEX({levels},{n})" for n in range(1, 6)]
        inner = "5"
        for n in (4, 3, 2, 1):
            inner = (
                f"IF({score}<{steps[n]},{n}+({score}-{steps[n - 1]})/({steps[n]}-"
                f"{steps[n - 1]}),{inner})"
            )
        sheet.formula(
            r, 17, f"IF({score}<=0,0,IF({score}<{steps[0]},{score}/{steps[0]},{inner}))",
            sheet.fmt,
        )  # fmt: skip
        return
    if ind.method is Method.INTERPOLATE:
        level = interpolate(value, r, ind.direction)
    elif ind.method is Method.STEPS:
        level = f"MIN(MAX(INT({value}),0),5)"
    else:
        level = f"IF({value}=1,5,0)"
    sheet.formula(r, 17, f"IF(AND($P{r}=1,{valid}),{level},0)", sheet.fmt)
    sheet.formula(
        r, 18,
        f"IF({q}<1,0,IF({q}>=5,INDEX({levels},5),INDEX({levels},INT({q}))"
        f"+({q}-INT({q}))*(INDEX({levels},INT({q})+1)-INDEX({levels},INT({q})))))",
        sheet.fmt,
    )  # fmt: skip


def _ratio_score(sheet: ScoreSheet, ind: Indicator, value: str, r: int) -> str:
    """The success rate's score by the rubric's bands, kept within 0 and the top score."""
    target = f"$E{r}" if ind.rubric_target is not None else f"$T{r}"
    ratio = f"{value}/{target}*100"
    if ind.direction is Direction.LOWER:
        ratio = f"(200-{ratio})"
    # Rounded to 10 places where it meets a band edge: 89.25/85*100 is 105 exactly for
    # pmqa (Decimal) but 105.00000000000001 in binary. Multiplied unrounded: 93.8333... x 3
    # must stay 281.5 (the rounded rate would give 281.4999999999).
    rate = f"ROUND({ratio},10)"
    top = f"$H${sheet.key_rows['level_scores']}"
    result = "0"
    for band in reversed(sheet.rubric.ratio_bands(ind)):
        rule = (
            f"{ratio}*{rubric_number(float(band.multiply))}"
            if band.multiply is not None
            else rubric_number(float(band.score or 0))
        )
        result = (
            rule
            if band.up_to is None
            else f"IF({rate}<={rubric_number(float(band.up_to))},{rule},{result})"
        )
    return f"IF(ISNUMBER({target}),IF({target}>0,MIN(MAX({result},0),{top}),0),0)"


def _method_text(rubric: Rubric, ind: Indicator, span: str) -> str:
    """The indicator's method in words, for its title cell."""
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
            for b in rubric.ratio_bands(ind)
        )
        return f"ร้อยละของเป้าหมาย (เป้าหมายที่ เกณฑ์ 1) {text}; {bands}"
    return f"เทียบเกณฑ์ 1-5, {text}"
