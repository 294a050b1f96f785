"""Findings: every problem with a submission, as data.

A :class:`Finding` has a stable code, a severity, where it is (file, sheet, cell, item id) and a
Thai and an English message that say what is wrong and how to fix it. The catalogue below is the
single source of those codes; docs/findings.md documents each one (a test keeps them in step).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import Enum
from typing import Any

__all__ = [
    "CATALOGUE",
    "SEVERITY_TH",
    "Code",
    "Finding",
    "FindingCounts",
    "Severity",
    "count_by_severity",
    "has_errors",
    "make_finding",
]


class Severity(str, Enum):
    """An error makes a submission's score unreliable; a warning is worth a look; a note only
    says what pmqa did (an extra column it passed over) and changes nothing."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Code:
    """A finding code: its severity and message templates (``str.format`` fields)."""

    code: str
    severity: Severity
    th: str
    en: str


def _c(code: str, severity: str, th: str, en: str) -> tuple[str, Code]:
    return code, Code(code, Severity(severity), th, en)


CATALOGUE: Mapping[str, Code] = dict(
    [
        # --- the file itself -----------------------------------------------------------------
        _c(
            "file-not-found",
            "error",
            "ไม่พบไฟล์ {path} ตรวจสอบชื่อและตำแหน่งไฟล์",
            "The file {path} does not exist; check its name and folder.",
        ),
        _c(
            "file-empty",
            "error",
            "ไฟล์ว่างเปล่า (0 ไบต์) ส่งไฟล์ที่บันทึกจาก Excel ใหม่อีกครั้ง",
            "The file is empty (0 bytes); save it again from Excel and resend it.",
        ),
        _c(
            "file-legacy-xls",
            "error",
            "ไฟล์เป็นรูปแบบ Excel รุ่นเก่า (.xls) เปิดใน Excel แล้วเลือก บันทึกเป็น > สมุดงาน Excel (.xlsx)",
            "The file is a legacy Excel workbook (.xls); open it and Save As an Excel Workbook (.xlsx).",
        ),
        _c(
            "file-encrypted",
            "error",
            "ไฟล์ถูกตั้งรหัสผ่าน นำรหัสผ่านออก (ไฟล์ > ข้อมูล > ป้องกันสมุดงาน) แล้วบันทึกใหม่",
            "The workbook is password-protected; remove the password (File > Info > Protect "
            "Workbook) and save it again.",
        ),
        _c(
            "file-csv",
            "error",
            "ไฟล์เป็นข้อความ CSV ที่ตั้งชื่อเป็น .xlsx ให้กรอกข้อมูลในแบบฟอร์ม Excel ที่ได้รับแล้วบันทึกเป็น .xlsx",
            "The file is CSV text named .xlsx; fill in the Excel template you were sent and save "
            "it as .xlsx.",
        ),
        _c(
            "file-not-workbook",
            "error",
            "ไฟล์ไม่ใช่สมุดงาน Excel (.xlsx) ส่งแบบฟอร์ม Excel ที่กรอกแล้ว",
            "The file is not an Excel workbook (.xlsx); send the filled-in Excel template.",
        ),
        _c(
            "file-corrupt",
            "error",
            "ไฟล์เสียหายหรือไม่สมบูรณ์ เปิดไฟล์ต้นฉบับใน Excel แล้วบันทึกและส่งใหม่",
            "The file is damaged or incomplete ({detail}); open the original in Excel, save it "
            "again and resend it.",
        ),
        _c(
            "file-too-large",
            "error",
            "ไฟล์มีขนาด {size} ซึ่งเกินขีดจำกัด {limit} ลบข้อมูลหรือรูปภาพที่ไม่เกี่ยวข้องออกแล้วบันทึกใหม่",
            "The file is {size}, over the {limit} limit; remove unrelated data or pictures and "
            "save it again.",
        ),
        _c(
            "file-zip-bomb",
            "error",
            "ไฟล์บีบอัดผิดปกติ จึงไม่ถูกอ่านเพื่อความปลอดภัย บันทึกแบบฟอร์มใหม่จาก Excel",
            "The file's compression is abnormal ({detail}), so it was not read for safety; save "
            "the template again from Excel.",
        ),
        _c(
            "file-unsafe-xml",
            "error",
            "ไฟล์มีโครงสร้าง XML ที่ไม่ปลอดภัย (DTD/entity) จึงไม่ถูกอ่าน บันทึกแบบฟอร์มใหม่จาก Excel",
            "The file contains unsafe XML (a DTD or entities) and was not read; save the "
            "template again from Excel.",
        ),
        _c(
            "file-macro",
            "warning",
            "ไฟล์มีแมโคร (.xlsm) ระบบอ่านเฉพาะค่าและไม่เรียกใช้แมโคร ควรบันทึกเป็น .xlsx",
            "The workbook contains macros (.xlsm); only values were read and no macro was run. "
            "Save it as .xlsx.",
        ),
        _c(
            "file-unreadable",
            "error",
            "อ่านไฟล์ไม่สำเร็จ บันทึกแบบฟอร์มใหม่จาก Excel แล้วส่งอีกครั้ง",
            "The file could not be read ({detail}); save the template again from Excel and resend.",
        ),
        # --- sheets and layout --------------------------------------------------------------
        _c(
            "sheet-missing",
            "error",
            "ไม่พบแผ่นงาน '{sheet}' ใช้แบบฟอร์มฉบับที่ได้รับโดยไม่เปลี่ยนชื่อหรือลบแผ่นงาน",
            "The sheet '{sheet}' is missing; use the template as sent, without renaming or "
            "deleting sheets.",
        ),
        _c(
            "header-missing",
            "error",
            "ไม่พบหัวคอลัมน์ '{header}' ในแผ่นงาน '{sheet}' คืนหัวคอลัมน์ตามแบบฟอร์ม",
            "The column header '{header}' is missing from sheet '{sheet}'; restore the "
            "template's header.",
        ),
        _c(
            "header-ambiguous",
            "error",
            "คอลัมน์ {columns} ในแผ่นงาน '{sheet}' มีหัวคอลัมน์ที่อ่านได้เป็น '{header}' เหมือนกัน "
            "ระบบไม่อ่านค่าจากคอลัมน์เหล่านี้ เปลี่ยนชื่อหรือลบคอลัมน์ที่เพิ่มเข้ามาให้เหลือคอลัมน์ '{header}' เพียงคอลัมน์เดียว",
            "Columns {columns} of sheet '{sheet}' all have headers that read as '{header}', so "
            "none of them was read; rename or delete the added columns so that only one is "
            "'{header}'.",
        ),
        _c(
            "header-unknown",
            "note",
            "คอลัมน์ {column} ในแผ่นงาน '{sheet}' (หัวคอลัมน์ '{header}') ไม่อยู่ในแบบฟอร์ม ระบบไม่ได้อ่านคอลัมน์นี้",
            "Column {column} of sheet '{sheet}' (header '{header}') is not in the template and "
            "was not read.",
        ),
        _c(
            "sheet-too-large",
            "warning",
            "แผ่นงาน '{sheet}' มีข้อมูลเกิน {limit} แถวหรือคอลัมน์ ส่วนที่เกินไม่ถูกอ่าน ลบแถวที่ไม่ใช้ออก",
            "Sheet '{sheet}' holds more than {limit} rows or columns; the rest was not read. "
            "Delete the unused rows.",
        ),
        _c(
            "rubric-mismatch",
            "error",
            "แบบฟอร์มนี้สร้างจากเกณฑ์ '{found}' ไม่ใช่ '{expected}' ขอแบบฟอร์มปีปัจจุบันแล้วกรอกใหม่ "
            "(ผู้ประมวลผล: หากตั้งใจประเมินตามเกณฑ์ '{found}' ให้ระบุ --rubric {found})",
            "This workbook was made from rubric '{found}', not '{expected}'; get the current "
            "template and fill it in again (analysts: to score it with that rubric, run pmqa "
            "with --rubric {found}).",
        ),
        _c(
            "rubric-version-mismatch",
            "warning",
            "แบบฟอร์มนี้สร้างจากเกณฑ์ฉบับ {found} ขณะที่ใช้ฉบับ {expected} ตรวจสอบว่ารายการตรงกัน",
            "This workbook was made from rubric version {found}, scored with {expected}; check "
            "the items still match.",
        ),
        _c(
            "rubric-unknown",
            "warning",
            "ไม่พบข้อมูลเกณฑ์ที่ใช้สร้างแบบฟอร์ม (แผ่นงานซ่อน '{sheet}') ใช้แบบฟอร์มที่ได้รับจาก สพฐ.",
            "The workbook does not say which rubric it was made from (hidden sheet '{sheet}'); "
            "use the template OBEC sent.",
        ),
        # --- items --------------------------------------------------------------------------
        _c(
            "item-unknown",
            "warning",
            "รหัสรายการ '{item}' ไม่มีในเกณฑ์ ค่าที่กรอกในแถวนี้ไม่ถูกนำไปคิดคะแนน ตรวจสอบรหัสให้ตรงกับแบบฟอร์ม",
            "The item id '{item}' is not in the rubric, so this row is not scored; check the id "
            "against the template.",
        ),
        _c(
            "item-duplicate",
            "error",
            "รหัสรายการ '{item}' ซ้ำกัน (พบครั้งแรกที่ {first}) ลบแถวที่ซ้ำออก ระบบใช้ค่าแถวแรก",
            "The item id '{item}' appears twice (first at {first}); delete the duplicate row. "
            "The first row was used.",
        ),
        _c(
            "item-missing",
            "error",
            "ไม่พบแถวของรายการ '{item}' ในแผ่นงาน '{sheet}' คืนแถวตามแบบฟอร์มแล้วกรอกคำตอบ",
            "The row for item '{item}' is missing from sheet '{sheet}'; restore it from the "
            "template and answer it.",
        ),
        _c(
            "answer-missing",
            "error",
            "ยังไม่ได้ตอบรายการ '{item}' (นับเป็น 0 คะแนน) กรอกคำตอบในช่องนี้",
            "Item '{item}' has no answer and scores zero; fill in this cell.",
        ),
        _c(
            "answer-invalid",
            "error",
            "คำตอบ '{value}' ของรายการ '{item}' อ่านไม่ได้ เลือก ผ่าน หรือ ไม่ผ่าน จากรายการ",
            "The answer '{value}' for item '{item}' is not recognised; choose ผ่าน (met) or "
            "ไม่ผ่าน (not met) from the list.",
        ),
        _c(
            "value-not-number",
            "error",
            "ค่า '{value}' ของตัวชี้วัด '{item}' ไม่ใช่ตัวเลข กรอกเป็นตัวเลขเท่านั้น (หน่วย: {unit_th})",
            "The value '{value}' for indicator '{item}' is not a number; enter a number only "
            "(unit: {unit}).",
        ),
        _c(
            "value-not-for-type",
            "warning",
            "ตัวชี้วัด '{item}' ใช้กับ {applies_th} เท่านั้น แต่หน่วยงานนี้เป็น {office_th} และกรอกค่าไว้ "
            "ค่านี้ไม่นำมาคิดคะแนน ตรวจสอบประเภทหน่วยงานในแผ่นงานข้อมูลหน่วยงาน หรือลบค่านี้",
            "Indicator '{item}' applies to {applies_en} offices only, but this {office_en} office "
            "gave a value for it, which is not scored; check the office type on the office "
            "sheet, or clear the value.",
        ),
        _c(
            "decimal-comma",
            "error",
            "ค่า '{value}' ของตัวชี้วัด '{item}' ใช้จุลภาค (,) เป็นจุดทศนิยม ซึ่งอ่านได้สองแบบ "
            "พิมพ์ใหม่โดยใช้จุด (.) เป็นจุดทศนิยม เช่น {suggested} (จุลภาคใช้คั่นหลักพันเท่านั้น เช่น 1,234.5)",
            "The value '{value}' for indicator '{item}' uses a comma as the decimal mark, which "
            "can be read two ways; type it with a decimal point, e.g. {suggested} (a comma only "
            "separates thousands, as in 1,234.5).",
        ),
        _c(
            "value-out-of-range",
            "error",
            "ค่า {value} ของตัวชี้วัด '{item}' อยู่นอกช่วงที่ยอมรับ ({low} ถึง {high}) ตรวจสอบค่าและหน่วย",
            "The value {value} for indicator '{item}' is outside the valid range {low} to "
            "{high}; check the value and its unit.",
        ),
        _c(
            "value-percent-over-100",
            "error",
            "ค่าร้อยละ {value} ของตัวชี้วัด '{item}' เกิน 100 กรอกเป็นร้อยละ เช่น 85 หรือ 85%",
            "The percentage {value} for indicator '{item}' is above 100; enter a percentage "
            "such as 85 or 85%.",
        ),
        _c(
            "value-percent-fraction",
            "error",
            "ค่า {value} ของตัวชี้วัด '{item}' ดูเหมือนเป็นสัดส่วน ไม่ใช่ร้อยละ กรอกเป็นร้อยละ เช่น {suggested}",
            "The value {value} for indicator '{item}' looks like a fraction, not a percentage; "
            "enter it as a percentage, e.g. {suggested}.",
        ),
        _c(
            "value-not-whole",
            "error",
            "ตัวชี้วัด '{item}' ต้องเป็นจำนวนขั้นตอนที่ทำสำเร็จ 0-5 (จำนวนเต็ม) ไม่ใช่ {value}",
            "Indicator '{item}' takes the number of steps completed, a whole number 0-5, "
            "not {value}.",
        ),
        _c(
            "value-na-not-allowed",
            "error",
            "ตัวชี้วัด '{item}' ไม่อนุญาตให้ระบุ 'ไม่เกี่ยวข้อง' กรอกผลการดำเนินงาน",
            "Indicator '{item}' cannot be marked not applicable; enter its result.",
        ),
        _c(
            "value-and-na",
            "error",
            "ตัวชี้วัด '{item}' มีทั้งผลการดำเนินงานและเครื่องหมาย 'ไม่เกี่ยวข้อง' ลบอย่างใดอย่างหนึ่ง "
            "(ระบบใช้ผลการดำเนินงาน)",
            "Indicator '{item}' has both a result and a not-applicable mark; clear one of them "
            "(the result was used).",
        ),
        _c(
            "formula-no-value",
            "error",
            "เซลล์มีสูตรแต่ไม่มีค่าที่คำนวณไว้ เปิดไฟล์ใน Excel ให้คำนวณแล้วบันทึกใหม่ หรือพิมพ์ค่าแทนสูตร",
            "The cell holds a formula with no calculated value; open the file in Excel so it "
            "recalculates and save again, or type the value instead.",
        ),
        _c(
            "cell-error",
            "error",
            "เซลล์มีค่าความผิดพลาด {value} แก้สูตรหรือพิมพ์ค่าที่ถูกต้อง",
            "The cell holds the error {value}; fix the formula or type the correct value.",
        ),
        _c(
            "text-too-long",
            "warning",
            "ข้อความในเซลล์ยาว {length} ตัวอักษร เกินขีดจำกัด {limit} ระบบอ่านเพียงส่วนต้น ย่อข้อความหรือใส่ลิงก์แทน",
            "The cell's text is {length} characters, over the {limit} limit; only the start "
            "was read. Shorten it or give a link.",
        ),
        # --- the office ---------------------------------------------------------------------
        _c(
            "office-code-missing",
            "error",
            "ไม่ได้กรอกรหัสหน่วยงาน กรอกรหัสตามทะเบียนหน่วยงานที่ สพฐ. แจ้ง",
            "The office code is missing; enter the code from OBEC's office registry.",
        ),
        _c(
            "office-code-unknown",
            "error",
            "รหัสหน่วยงาน '{value}' ไม่มีในทะเบียนหน่วยงาน ตรวจสอบรหัสกับทะเบียนที่ สพฐ. แจ้ง",
            "The office code '{value}' is not in the registry; check it against OBEC's registry.",
        ),
        _c(
            "office-type-missing",
            "error",
            "ไม่ได้ระบุประเภทหน่วยงาน เลือก สพป. หรือ สพม. จากรายการ",
            "The office type is missing; choose สพป. (primary) or สพม. (secondary) from the list.",
        ),
        _c(
            "office-type-unknown",
            "error",
            "ประเภทหน่วยงาน '{value}' ไม่ถูกต้อง เลือก สพป. หรือ สพม. จากรายการ",
            "The office type '{value}' is not recognised; choose สพป. (primary) or สพม. "
            "(secondary) from the list.",
        ),
        _c(
            "office-type-mismatch",
            "error",
            "ประเภทหน่วยงาน '{value}' ไม่ตรงกับทะเบียน ({expected}) แก้ให้ตรงกับทะเบียน (ระบบใช้ค่าตามทะเบียน)",
            "The office type '{value}' disagrees with the registry ({expected}); correct it "
            "(the registry's type was used).",
        ),
        _c(
            "date-invalid",
            "warning",
            "วันที่ '{value}' อ่านไม่ได้ กรอกวันที่ เช่น 15/08/2567",
            "The date '{value}' could not be read; enter a date such as 15/08/2567.",
        ),
        # --- evidence and tiers ---------------------------------------------------------------
        _c(
            "evidence-missing",
            "warning",
            "รายการ '{item}' ไม่มีหลักฐานอ้างอิง ใส่ลิงก์หรือชื่อเอกสารหลักฐาน",
            "Item '{item}' has no evidence; give a link or the name of the supporting document.",
        ),
        _c(
            "tier-gated",
            "warning",
            "ประเด็น '{item}' ระดับ{tier}ผ่าน แต่ระดับก่อนหน้ายังไม่ครบ คะแนนระดับนี้จึงยังไม่นับ "
            "ทำเกณฑ์ระดับก่อนหน้าให้ครบ",
            "Issue '{item}': the {tier_en} tier is met but a lower tier is incomplete, so its "
            "points do not count yet; complete the lower tier first.",
        ),
        # --- the template's own provisional score ---------------------------------------------
        _c(
            "provisional-differs",
            "note",
            "คะแนนเบื้องต้นที่คำนวณในไฟล์ ({found}) ไม่ตรงกับคะแนนที่ pmqa คำนวณ ({expected}) "
            "ไฟล์อาจถูกแก้ไขสูตรหรือยังไม่ได้คำนวณใหม่ คะแนนที่ใช้คือคะแนนที่ pmqa คำนวณ",
            "The provisional score calculated in the file ({found}) differs from pmqa's "
            "({expected}): the workbook was edited or not recalculated. pmqa's score is the "
            "one used.",
        ),
        # --- a batch ------------------------------------------------------------------------
        _c(
            "office-duplicate",
            "error",
            "หน่วยงาน '{value}' ส่งมา {count} ไฟล์ที่ต่างกัน ระบบใช้ไฟล์ {chosen} ซึ่งมีวันที่ส่งในแบบฟอร์มล่าสุด "
            "(ถ้าวันที่เท่ากันใช้ชื่อไฟล์) ผลของหน่วยงานนี้จึงเป็นผลเบื้องต้น ยืนยันไฟล์ฉบับสุดท้ายกับหน่วยงาน "
            "แล้วย้ายไฟล์อื่นออกจากโฟลเดอร์ (หรือแก้วันที่ส่งให้ถูกต้อง) แล้วประมวลผลใหม่",
            "Office '{value}' sent {count} different files; {chosen} was scored: the latest "
            "submission date in the workbook, then the file name. The office's result is "
            "provisional: confirm the final file with the office, move the others out of the "
            "folder (or correct their submission dates) and run again.",
        ),
        _c(
            "office-copy",
            "warning",
            "ไฟล์นี้เหมือนกับ {same} ทุกไบต์ (หน่วยงาน '{value}') นับเป็นการส่งครั้งเดียว ลบไฟล์ที่ซ้ำออกได้",
            "This file is a byte-identical copy of {same} (office '{value}'); counted as one "
            "submission. The copy can be removed.",
        ),
        # --- a previous result to compare with (batch --previous, pmqa compare) ---------------
        _c(
            "compare-order-reversed",
            "warning",
            "ผลที่ให้เป็นครั้งก่อน {earlier} (ปีงบประมาณ {earlier_year}) ใหม่กว่าผลครั้งหลัง {later} "
            "(ปีงบประมาณ {later_year}) การเปลี่ยนแปลงทุกค่าจึงกลับทิศ ถ้าสลับกัน ให้ระบุผลครั้งก่อนก่อน "
            "(pmqa compare เก่า ใหม่)",
            "The result given as the earlier one, {earlier} (fiscal year {earlier_year}), is "
            "later than the newer one, {later} ({later_year}), so every change reads backwards. "
            "If they were swapped, give the earlier result first (pmqa compare OLD NEW).",
        ),
        _c(
            "previous-unreadable",
            "error",
            "อ่านไฟล์ผลการประเมินครั้งก่อนไม่ได้ ({detail_th}) ใช้ไฟล์ JSON จาก pmqa หรือตาราง CSV/XLSX ที่มีหัวคอลัมน์ รหัส และ คะแนนรวม",
            "The previous result cannot be read ({detail}); give a results JSON written by pmqa, "
            "or a CSV/XLSX table with the columns รหัส (code) and คะแนนรวม (overall).",
        ),
        _c(
            "previous-json-invalid",
            "error",
            "ค่า {path} ในไฟล์ JSON ไม่ถูกต้อง ({detail}) ใช้ไฟล์ JSON ที่ pmqa batch --json เขียนไว้โดยไม่แก้ไข (ค่านี้ไม่ถูกนำมาเทียบ)",
            "The value at {path} in the JSON file is not valid ({detail}); use the JSON that "
            "pmqa batch --json wrote, unedited (the value was left out of the comparison).",
        ),
        _c(
            "previous-no-column",
            "error",
            "ไม่พบคอลัมน์{column_th}ในแถวหัวตาราง เพิ่มหัวคอลัมน์ {names} แล้วบันทึกใหม่",
            "No {column} column in the header row; add a column headed {names} and save again.",
        ),
        _c(
            "previous-not-number",
            "error",
            "แถว {row} คอลัมน์ {column} ({header}): '{value}' ไม่ใช่ตัวเลข แก้เป็นคะแนน 0-{top} หรือเว้นว่าง (ค่านี้ไม่ถูกนำมาเทียบ)",
            "Row {row}, column {column} ({header}): '{value}' is not a number; enter a score "
            "from 0 to {top} or leave it empty (it was left out of the comparison).",
        ),
        _c(
            "previous-out-of-range",
            "error",
            "แถว {row} คอลัมน์ {column} ({header}): คะแนน {value} อยู่นอกช่วง 0-{top} แก้ให้ถูกต้อง (ค่านี้ไม่ถูกนำมาเทียบ)",
            "Row {row}, column {column} ({header}): the score {value} is outside 0-{top}; "
            "correct it (it was left out of the comparison).",
        ),
        _c(
            "previous-code-missing",
            "error",
            "แถว {row} คอลัมน์ {column}: มีคะแนนแต่ไม่มีรหัสหน่วยงาน ใส่รหัสหน่วยงาน (แถวนี้ไม่ถูกนำมาเทียบ)",
            "Row {row}, column {column}: scores without an office code; enter the code (the row "
            "was left out of the comparison).",
        ),
        _c(
            "previous-code-duplicate",
            "error",
            "แถว {row} คอลัมน์ {column}: รหัสหน่วยงาน '{value}' ซ้ำกับแถว {first} ลบแถวที่ซ้ำ (ระบบใช้แถว {first})",
            "Row {row}, column {column}: the office code '{value}' repeats row {first}; remove "
            "the duplicate (row {first} was used).",
        ),
        _c(
            "previous-unknown-column",
            "warning",
            "คอลัมน์ {column} ('{header}') ไม่ตรงกับรายการใดในเกณฑ์ จึงไม่ถูกนำมาเทียบ ถ้าเป็นรหัสรายการเดิม ให้เพิ่มไว้ใน previous_ids ของรายการนั้นในเกณฑ์",
            "Column {column} ('{header}') matches no item of the rubric and was not compared; "
            "if it is an item's earlier id, add it to that item's previous_ids in the rubric.",
        ),
        # --- verification files: review, central data, corrections (docs/verification.md) ---
        _c(
            "verify-file-unreadable",
            "error",
            "อ่านไฟล์ตรวจสอบไม่ได้ ({detail_th}) ไม่มีข้อมูลจากไฟล์นี้ถูกนำไปใช้ บันทึกเป็น .xlsx หรือ .csv (UTF-8) แล้วลองใหม่",
            "The verification file cannot be read ({detail}); nothing from it was applied. "
            "Save it as .xlsx or UTF-8 .csv and try again.",
        ),
        _c(
            "verify-header-missing",
            "error",
            "ไม่พบแถวหัวตารางที่มีคอลัมน์ {headers} ไม่มีข้อมูลจากไฟล์นี้ถูกนำไปใช้ เพิ่มหัวคอลัมน์ตาม docs/verification.md",
            "No header row with the columns {headers} was found, so nothing from this file was "
            "applied; add the headers described in docs/verification.md.",
        ),
        _c(
            "verify-office-unknown",
            "error",
            "รหัสหน่วยงาน '{value}' ไม่มีในทะเบียนหรือในไฟล์ที่ประเมิน แถวนี้ไม่ถูกนำไปใช้ แก้รหัสให้ตรงกับทะเบียน",
            "The office code '{value}' is not in the registry or among the offices scored, so "
            "this row was not applied; correct the code.",
        ),
        _c(
            "verify-item-unknown",
            "error",
            "รหัสรายการ '{item}' ไม่มีในเกณฑ์ แถวนี้ไม่ถูกนำไปใช้ ใช้รหัสเกณฑ์หรือรหัสตัวชี้วัดตามเกณฑ์",
            "The item id '{item}' is not in the rubric, so this row was not applied; use a "
            "criterion or indicator id from the rubric.",
        ),
        _c(
            "verify-item-not-indicator",
            "error",
            "'{item}' เป็นเกณฑ์ ไม่ใช่ตัวชี้วัด ไฟล์ข้อมูลส่วนกลางรับเฉพาะค่าตัวชี้วัด แถวนี้ไม่ถูกนำไปใช้ ใช้ไฟล์แก้ไขข้อมูล (--corrections) แทน",
            "'{item}' is a criterion, not an indicator; central data holds indicator values "
            "only, so this row was not applied. Use a corrections file instead.",
        ),
        _c(
            "verify-verdict-invalid",
            "error",
            "ผลการตรวจ '{value}' ของรายการ '{item}' ไม่ถูกต้อง แถวนี้ไม่ถูกนำไปใช้ เลือก ยืนยัน หรือ ไม่ยืนยัน จากรายการ",
            "The verdict '{value}' for item '{item}' is not one of the choices, so this row was "
            "not applied; choose ยืนยัน (confirmed) or ไม่ยืนยัน (not confirmed) from the list.",
        ),
        _c(
            "verify-value-invalid",
            "error",
            "ค่า '{value}' ของรายการ '{item}' ใช้ไม่ได้: {why_th} แถวนี้ไม่ถูกนำไปใช้ แก้ค่าแล้วประมวลผลใหม่",
            "The value '{value}' for item '{item}' cannot be used: {why_en} This row was not "
            "applied; correct the value and run again.",
        ),
        _c(
            "verify-value-missing",
            "error",
            "แถวของรายการ '{item}' ไม่มีค่า แถวนี้ไม่ถูกนำไปใช้ กรอกค่าหรือลบแถวนี้",
            "The row for item '{item}' has no value, so it was not applied; fill in the value "
            "or delete the row.",
        ),
        _c(
            "verify-reason-missing",
            "error",
            "การแก้ไขรายการ '{item}' ไม่มีเหตุผล แถวนี้ไม่ถูกนำไปใช้ ทุกการแก้ไขต้องระบุเหตุผล",
            "The correction of item '{item}' gives no reason, so it was not applied; every "
            "correction needs a reason.",
        ),
        _c(
            "verify-person-missing",
            "warning",
            "แถวของรายการ '{item}' ไม่ระบุชื่อผู้ตรวจหรือผู้แก้ไข (ใช้ค่าแล้ว) ระบุชื่อเพื่อให้ตรวจสอบย้อนหลังได้",
            "The row for item '{item}' does not name who reviewed or corrected it (it was "
            "applied); add the name so the audit trail is complete.",
        ),
        _c(
            "verify-row-conflict",
            "error",
            "หน่วยงาน '{office}' รายการ '{item}' มีหลายแถวที่ไม่ตรงกัน ({rows}) ทุกแถวไม่ถูกนำไปใช้ เก็บไว้แถวเดียว",
            "Office '{office}' item '{item}' has rows that disagree ({rows}); none of them was "
            "applied. Keep one.",
        ),
        _c(
            "verify-not-applicable",
            "error",
            "ตัวชี้วัด '{item}' ไม่ใช้กับหน่วยงานประเภท {office_type} แถวนี้ไม่ถูกนำไปใช้ ตรวจสอบรหัสหน่วยงานหรือรหัสตัวชี้วัด",
            "Indicator '{item}' does not apply to {office_type} offices, so this row was not "
            "applied; check the office code and the indicator id.",
        ),
        _c(
            "data-differs",
            "warning",
            "ข้อมูลส่วนกลาง ({source}) ของตัวชี้วัด '{item}' คือ {value} ต่างจากที่หน่วยงานรายงาน {claimed} "
            "ใช้ค่าจากข้อมูลส่วนกลาง เว้นแต่คณะกรรมการตัดสินเป็นอย่างอื่น (ดูแผ่นงานการตรวจสอบ) "
            "ตรวจสอบที่มาของค่าที่รายงาน",
            "Central data ({source}) for indicator '{item}' is {value}, but the office "
            "reported {claimed}; the central value is used unless the committee's verdict "
            "decided otherwise (see the verification sheet). Check where the reported value "
            "came from.",
        ),
        _c(
            "verify-rows-not-applied",
            "warning",
            "{count} แถวของไฟล์นี้ที่เกี่ยวกับหน่วยงานนี้ไม่ถูกนำไปใช้เพราะมีข้อผิดพลาด (ดูรายการของไฟล์) "
            "ผลที่ตรวจสอบแล้วของหน่วยงานนี้จึงยังไม่ครบ แก้แถวเหล่านั้นแล้วประมวลผลใหม่",
            "{count} row(s) of this file about this office were not applied because of errors "
            "(listed with the file), so the office's verified result is not complete: correct "
            "them and run again.",
        ),
        _c(
            "review-claim-changed",
            "error",
            "คณะกรรมการตรวจรายการ '{item}' ของหน่วยงาน '{office}' เมื่อหน่วยงานรายงานว่า {seen} "
            "แต่แบบประเมินที่ใช้ตอนนี้รายงานว่า {now} (ส่งแบบประเมินใหม่หลังจัดทำแบบตรวจสอบ) "
            "ผลการตรวจแถวนี้จึงไม่ถูกนำไปใช้ และรายการนี้ยังไม่ได้ตรวจ จัดทำแบบตรวจสอบใหม่ด้วย "
            "pmqa review-sheet ให้คณะกรรมการตรวจรายการนี้อีกครั้ง",
            "The committee reviewed item '{item}' of office '{office}' when the office reported "
            "{seen}, but the workbook scored now reports {now} (sent again after the review "
            "sheet was made), so this row was not applied and the item is unreviewed. Make a "
            "new review sheet (pmqa review-sheet) and have the committee review the item again.",
        ),
        _c(
            "review-incomplete",
            "warning",
            "คณะกรรมการยังไม่ได้ตรวจ {count} รายการของหน่วยงานนี้ รายการเหล่านี้ใช้ค่าที่หน่วยงานประเมินตนเอง",
            "The committee has not reviewed {count} items of this office; they keep the "
            "office's own answers.",
        ),
        # --- every input: read whole or refused (pmqa_cli/core/limits.py, docs/security.md) -----
        _c(
            "file-not-regular",
            "error",
            "{path} ไม่ใช่ไฟล์ปกติ ({what_th}) จึงไม่ถูกเปิดอ่าน ระบุไฟล์ที่บันทึกไว้บนดิสก์",
            "{path} is not a regular file ({what}), so it was not opened; give a file saved "
            "on disk.",
        ),
        _c(
            "input-over-limit",
            "error",
            "{path}: {what_th} {found} เกินขีดจำกัด {limit} ของ{kind_th} ไม่มีข้อมูลจากไฟล์นี้ถูกนำไปใช้ "
            "หากไฟล์ถูกต้อง ให้เพิ่มขีดจำกัดโดยตั้งตัวแปร {variable} เป็นค่าที่มากขึ้นแล้วประมวลผลใหม่",
            "{path}: the {what_en} {found} is over the {limit} limit for a {kind_en}, so "
            "nothing from it was used. If the file is right, raise the limit by setting "
            "{variable} to a larger number, and run again.",
        ),
        _c(
            "table-row-fields",
            "error",
            "แถว {row} มี {count} ช่อง แต่แถวหัวตาราง (แถว {header_row}) มี {expected} ช่อง "
            "แถวนี้ไม่ถูกนำไปใช้ (ช่องสุดท้ายคือ {last}) ในไฟล์ CSV ค่าที่มีจุลภาค (เช่น 1,000.5) ต้องอยู่ในเครื่องหมายคำพูด "
            "หรือบันทึกจาก Excel ใหม่ ในไฟล์ Excel ให้ใส่หัวคอลัมน์ให้ค่าที่อยู่ทางขวาของตาราง หรือย้ายค่าไปไว้ในคอลัมน์ของมัน",
            "Row {row} has {count} fields but the header row (row {header_row}) has "
            "{expected}, so the row was not used (its last field is {last}). In a CSV file a "
            "value with a comma (such as 1,000.5) must be in quotes: save the file from Excel "
            "again. In a workbook, give a value right of the table a column header, or move it "
            "into its column.",
        ),
        _c(
            "table-row-duplicate",
            "note",
            "แถว {row} ซ้ำกับแถว {first} ทุกช่อง นับเป็นแถวเดียว",
            "Row {row} repeats row {first} exactly; it was counted once.",
        ),
        _c(
            "table-header-repeated",
            "note",
            "แถว {row} ซ้ำกับแถวหัวตาราง (แถว {header_row}) จึงไม่นับเป็นข้อมูล แถวที่อยู่ถัดไปถูกอ่านตามปกติ",
            "Row {row} repeats the header row (row {header_row}), so it is not data; the rows "
            "after it were read as usual.",
        ),
        _c(
            "table-column-unnamed",
            "warning",
            "คอลัมน์ {column} มีค่า (เซลล์แรกคือ {first}) แต่ไม่มีหัวคอลัมน์ในแถว {header_row} ค่าในคอลัมน์นี้จึงไม่ถูกอ่าน "
            "ใส่หัวคอลัมน์ หรือลบค่าเหล่านั้น",
            "Column {column} has values (the first in {first}) but no header in row "
            "{header_row}, so they were not read; give the column a header, or remove them.",
        ),
        _c(
            "table-header-duplicate",
            "error",
            "คอลัมน์ {first_column} และ {column} มีหัวคอลัมน์เดียวกัน '{header}' (แถว {header_row}) แต่ค่าไม่ตรงกัน "
            "{count} แถว (แถวแรกคือแถว {row}) แถวเหล่านั้นจึงไม่ถูกนำไปใช้ เปลี่ยนชื่อหรือลบคอลัมน์หนึ่ง",
            "Columns {first_column} and {column} both have the header '{header}' (row "
            "{header_row}) but differ in {count} row(s), the first row {row}, so those rows "
            "were not used; rename one of the columns or remove it.",
        ),
        _c(
            "verify-office-absent",
            "note",
            "หน่วยงาน '{office}' อยู่ในทะเบียนแต่ไม่ได้ส่งแบบประเมิน {count} แถวของไฟล์นี้สำหรับหน่วยงานนี้จึงไม่ถูกนำไปใช้",
            "Office '{office}' is registered but sent no workbook, so the {count} row(s) of "
            "this file for it were not applied.",
        ),
        # --- maps ----------------------------------------------------------------------------
        _c(
            "map-province-unknown",
            "warning",
            "ไม่พบจังหวัดของหน่วยงาน '{office}' ({name}) จาก '{province}' หน่วยงานนี้ไม่ถูกนับในแผนที่รายจังหวัด "
            "กรอกชื่อจังหวัดภาษาไทยตามที่ใช้ทางราชการ (เช่น เชียงใหม่ หรือ ลำปาง ลำพูน) ในคอลัมน์จังหวัดของทะเบียนหน่วยงาน",
            "No province was found for office '{office}' ({name}) from '{province}'; it is left "
            "out of the province map. Write the province's official Thai name (for example "
            "เชียงใหม่, or ลำปาง ลำพูน for an office of two provinces) in the registry's province "
            "column.",
        ),
    ]
)


@dataclass(frozen=True)
class Finding:
    """One problem: what, where, and how to fix it, in Thai and English."""

    code: str
    severity: Severity
    message_th: str
    message_en: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    item_id: str | None = None

    def at(
        self,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> Finding:
        """A copy with the given location fields filled in; the others are kept."""
        return replace(
            self,
            file=file if file is not None else self.file,
            sheet=sheet if sheet is not None else self.sheet,
            cell=cell if cell is not None else self.cell,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form documented in docs/json-output.md."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def make_finding(
    code: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    item_id: str | None = None,
    **params: Any,
) -> Finding:
    """Build a finding from the catalogue; ``params`` fill the message templates."""
    entry = CATALOGUE[code]
    fields = {"item": item_id or "", "sheet": sheet or "", **params}
    if "unit" in fields:  # the Thai message names the unit in Thai where the caller gave it
        fields.setdefault("unit_th", fields["unit"])
    if "detail" in fields:  # and says why in Thai where the caller can
        fields.setdefault("detail_th", fields["detail"])
    return Finding(
        code=code,
        severity=entry.severity,
        message_th=entry.th.format(**fields),
        message_en=entry.en.format(**fields),
        file=file,
        sheet=sheet,
        cell=cell,
        item_id=item_id,
    )


class FindingCounts:
    """For anything that carries a ``findings`` list: its error, warning and note counts."""

    findings: Sequence[Finding]

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return count_by_severity(self.findings)[0]

    @property
    def warnings(self) -> int:
        """Number of warning findings."""
        return count_by_severity(self.findings)[1]

    @property
    def notes(self) -> int:
        """Number of notes (they never affect validity or the exit code)."""
        return sum(1 for f in self.findings if f.severity is Severity.NOTE)

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors == 0


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)


def count_by_severity(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings); notes are not counted."""
    errors = warnings = 0
    for f in findings:
        if f.severity is Severity.ERROR:
            errors += 1
        elif f.severity is Severity.WARNING:
            warnings += 1
    return errors, warnings


#: The Thai word for each severity, as the results and feedback workbooks show it.
SEVERITY_TH = {Severity.ERROR: "ข้อผิดพลาด", Severity.WARNING: "คำเตือน", Severity.NOTE: "หมายเหตุ"}
