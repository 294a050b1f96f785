"""Page 1 of a feedback workbook says plainly whether its result is final or provisional, why,
and what the office should fix: from the one scored office (its ``provisional`` reasons, which
the batch gave, and its findings), the same status as results.xlsx and the terminal show.

A single ``pmqa score -o`` has no batch to give reasons: its result is provisional when the
workbook or a verification file has errors that leave it open
(:meth:`~pmqa_cli.assess.office.ScoredOffice.open_errors`), as a batch would decide.
"""

from __future__ import annotations

from pmqa_cli.assess.batch import PROVISIONAL
from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.report.result_tables import FINAL_TH, PROVISIONAL_TH
from pmqa_cli.report.xlsx_sheet import Sheet, Style

__all__ = ["MAX_LISTED", "provisional_reasons", "status_text", "to_fix", "write_status"]

#: Errors listed on page 1; the rest are on the sheet ปัญหาที่พบ.
MAX_LISTED = 5

# What the office does about each reason (batch.PROVISIONAL says the reason itself).
_ACTION_TH = {
    "errors": "แก้ข้อผิดพลาดต่อไปนี้ในแบบฟอร์ม แล้วส่งแบบฟอร์มใหม่ (รายละเอียดในแผ่นงาน ปัญหาที่พบ)",
    "conflict": "หน่วยงานส่งแบบฟอร์มหลายไฟล์ที่ต่างกัน แจ้งผู้ประเมินว่าไฟล์ใดเป็นฉบับที่ถูกต้อง",
    "not-in-registry": "รหัสหน่วยงานไม่อยู่ในทะเบียน ตรวจรหัสในแผ่นงานข้อมูลหน่วยงาน (ยังไม่จัดอันดับ)",
    "verification": "ไฟล์ผลการตรวจสอบของคณะกรรมการมีข้อผิดพลาด ผลจะสมบูรณ์เมื่อผู้ประเมินแก้ไฟล์นั้น",
}
_PROVISIONAL_FILL = "FCE4D6"  # as results.xlsx shades such a row
_WRAP = Style(wrap=True, valign="top", border=True)


def provisional_reasons(scored: ScoredOffice, in_batch: bool) -> tuple[str, ...]:
    """Why the office's result is provisional (batch.PROVISIONAL keys); none when final."""
    if in_batch:
        return scored.provisional
    own, verifying = scored.open_errors()  # as a batch decides (assess/batch.py)
    return (*(("errors",) if own else ()), *(("verification",) if verifying else ()))


def status_text(scored: ScoredOffice, in_batch: bool) -> str:
    """ผลสมบูรณ์, or ผลเบื้องต้น and why: the status line of page 1."""
    reasons = provisional_reasons(scored, in_batch)
    if not reasons:
        return FINAL_TH
    why = "; ".join(PROVISIONAL[r][0] for r in reasons)
    return f"{PROVISIONAL_TH} (ยังไม่ใช่ผลทางการ): {why}"


def to_fix(scored: ScoredOffice, in_batch: bool) -> list[str]:
    """What the office should do, reason by reason; each error at its cell with its fix."""
    lines: list[str] = []
    for reason in provisional_reasons(scored, in_batch):
        lines.append(_ACTION_TH[reason])
        if reason != "errors":
            continue
        errors, _ = scored.open_errors()  # not those a verification layer settled
        for f in errors[:MAX_LISTED]:
            where = " ".join(f"{w} {x}" for w, x in (("แผ่นงาน", f.sheet), ("เซลล์", f.cell)) if x)
            lines.append(f"• {where + ': ' if where else ''}{f.message_th}")
        if len(errors) > MAX_LISTED:
            lines.append(f"• และอีก {len(errors) - MAX_LISTED} รายการ ในแผ่นงาน ปัญหาที่พบ")
    return lines


def write_status(ws: Sheet, row: int, scored: ScoredOffice, in_batch: bool,
                 last_col: int, width: float) -> int:  # fmt: skip
    """The status (and what to fix) across columns 1..``last_col`` (``width`` units
    together) from ``row``; returns the next free row."""
    provisional = bool(provisional_reasons(scored, in_batch))
    style = _WRAP.but(fill=_PROVISIONAL_FILL) if provisional else _WRAP
    text = f"สถานะผล: {status_text(scored, in_batch)}"
    ws.put(row, 1, text, style.but(bold=True, color="C00000" if provisional else None))
    ws.merge(row, 1, row, last_col)
    ws.fit_row_height(row, {1: width})
    fixes = to_fix(scored, in_batch)
    if fixes:
        row += 1
        ws.put(row, 1, "\n".join(fixes), style)
        ws.merge(row, 1, row, last_col)
        ws.fit_row_height(row, {1: width})
    return row + 2
