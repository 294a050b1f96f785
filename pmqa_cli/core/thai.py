"""Thai calendar conventions: Buddhist-era years and month names."""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["BE_OFFSET", "MONTHS_TH", "MONTHS_TH_SHORT", "thai_date", "thai_datetime"]

BE_OFFSET = 543
MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip


def thai_date(day: date) -> str:
    """15 สิงหาคม 2567 for 2024-08-15."""
    return f"{day.day} {MONTHS_TH[day.month - 1]} {day.year + BE_OFFSET}"


def thai_datetime(moment: datetime) -> str:
    """15 สิงหาคม 2567 เวลา 09:30 น."""
    return f"{thai_date(moment.date())} เวลา {moment:%H:%M} น."
