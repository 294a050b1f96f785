"""The columns of review, central-data and correction files: header names in Thai and English
(normalised by :func:`~pmqa_cli.io.layout.header_key`), the columns each kind requires, and the
committee's verdict words. docs/verification.md lists them for people."""

from __future__ import annotations

from pmqa_cli.assess.trace import Layer, Verdict
from pmqa_cli.io.layout import header_key

__all__ = [
    "CORRECTION_COLUMNS",
    "LONG_DATA_COLUMNS",
    "REQUIRED",
    "REVIEW_COLUMNS",
    "VERDICTS",
]

VERDICTS = {
    "ยืนยัน": Verdict.CONFIRMED,
    "confirmed": Verdict.CONFIRMED,
    "confirm": Verdict.CONFIRMED,
    "ไม่ยืนยัน": Verdict.REJECTED,
    "rejected": Verdict.REJECTED,
    "reject": Verdict.REJECTED,
    "not confirmed": Verdict.REJECTED,
}


def _names(*names: str) -> set[str]:
    return {header_key(n) for n in names}


OFFICE = _names("รหัสหน่วยงาน", "รหัส สพท.", "รหัส", "office", "office code", "office_code", "code")
ITEM = _names(
    "รหัสรายการ",
    "รหัสตัวชี้วัด",
    "รหัสเกณฑ์",
    "item",
    "item id",
    "item_id",
    "indicator",
    "indicator id",
    "indicator_id",
    "criterion",
    "criterion id",
)
VALUE = _names(
    "ค่า",
    "value",
    "ค่าที่ถูกต้อง",
    "ค่าที่แก้ไข",
    "corrected value",
    "corrected_value",
    "new value",
    "new_value",
    "ผลการดำเนินงาน",
)
SOURCE = _names("source", "แหล่งข้อมูล", "ที่มา")
NOTE = _names("note", "หมายเหตุ")
REASON = _names("reason", "เหตุผล", "เหตุผลการแก้ไข")
PERSON = _names(
    "by",
    "person",
    "who",
    "corrected by",
    "corrected_by",
    "ผู้แก้ไข",
    "ผู้บันทึก",
    "reviewer",
    "ผู้ตรวจ",
    "ชื่อผู้ตรวจ",
    "กรรมการผู้ตรวจ",
)
VERDICT = _names("ผลการตรวจ", "ผลการพิจารณา", "verdict", "คณะกรรมการ")
VERIFIED = _names("ค่าที่ตรวจสอบแล้ว", "ค่าที่กรรมการยืนยัน", "verified value", "verified_value")
COMMENT = _names("ความเห็นกรรมการ", "ความเห็น", "ข้อสังเกต", "comment", "comments")
#: What the office reported when the review sheet was made (pmqa review-sheet writes it): a
#: verdict is applied only while the office still reports the same.
CLAIM = _names("ที่หน่วยงานรายงาน", "ค่าที่รายงาน", "claim", "claimed", "reported")

REVIEW_COLUMNS = {
    "office": OFFICE,
    "item": ITEM,
    "verdict": VERDICT,
    "verified": VERIFIED,
    "comment": COMMENT,
    "person": PERSON,
    "claim": CLAIM,
}
CORRECTION_COLUMNS = {
    "office": OFFICE,
    "item": ITEM,
    "value": VALUE,
    "reason": REASON,
    "person": PERSON,
}
LONG_DATA_COLUMNS = {"office": OFFICE, "item": ITEM, "value": VALUE, "source": SOURCE, "note": NOTE}

REQUIRED = {
    Layer.REVIEW: (("office", "รหัสหน่วยงาน"), ("item", "รหัสรายการ"), ("verdict", "ผลการตรวจ")),
    Layer.CORRECTION: (
        ("office", "รหัสหน่วยงาน"),
        ("item", "รหัสรายการ"),
        ("value", "ค่า"),
        ("reason", "เหตุผล"),
    ),
    Layer.DATA: (("office", "รหัสหน่วยงาน"),),
}
