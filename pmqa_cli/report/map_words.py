"""Every word the province maps show (report/maps.py), in one language at a time: Thai or
English. Region names are the registry's data and are shown as it has them."""

from __future__ import annotations

from pmqa_cli.compare.geography import BOUNDARIES_SOURCE_TH

__all__ = ["MAP_WORDS"]

#: lang -> key -> text; {placeholders} are filled with str.format.
MAP_WORDS: dict[str, dict[str, str]] = {
    "th": {
        "overall": "คะแนนรวมเฉลี่ยรายจังหวัด",
        "pmqa": "คะแนนเฉลี่ยหมวด 1-6 (PMQA 4.0) รายจังหวัด",
        "results": "คะแนนเฉลี่ยหมวด 7 (ตัวชี้วัด) รายจังหวัด",
        "change": "การเปลี่ยนแปลงของคะแนนรวมเฉลี่ยจากผลครั้งก่อน รายจังหวัด",
        "below": "ต่ำกว่า {upper}",
        "between": "{lower} ถึงต่ำกว่า {upper}",
        "above": "{lower} ขึ้นไป",
        "provinces": "{count} จังหวัด",
        "province": "{count} จังหวัด",
        "no office": "ไม่มีหน่วยงาน",
        "no change": "ไม่มีผลเทียบได้",
        "no change detail": "ไม่มีหน่วยงานที่มีผลทั้งสองครั้ง",
        "legend": "ค่าเฉลี่ยของจังหวัด",
        "legend change": "เปลี่ยนแปลง (คะแนน)",
        "region line": "เส้นแบ่งภาค (ตามทะเบียนหน่วยงาน)",
        "highlight": "จังหวัดของหน่วยงาน: {names}",
        "table": "ค่าเฉลี่ยรายภาค",
        "table change": "การเปลี่ยนแปลงเฉลี่ยรายภาค",
        "region": "ภาค",
        "offices": "หน่วยงาน",
        "mean": "ค่าเฉลี่ย",
        "unknown region": "ไม่ระบุภาค",
        "national": "ทั้งประเทศ",
        "more": "… และอีก {count} ภาค",
        "source": BOUNDARIES_SOURCE_TH,
    },
    "en": {
        "overall": "Mean overall score by province",
        "pmqa": "Mean score of categories 1-6 (PMQA 4.0) by province",
        "results": "Mean score of category 7 (indicators) by province",
        "change": "Change in the mean overall score since the previous result, by province",
        "below": "below {upper}",
        "between": "{lower} to below {upper}",
        "above": "{lower} and above",
        "provinces": "{count} provinces",
        "province": "{count} province",
        "no office": "No office",
        "no change": "Nothing to compare",
        "no change detail": "no office with both results",
        "legend": "Province mean",
        "legend change": "Change (points)",
        "region line": "Region border (from the registry)",
        "highlight": "The office's province: {names}",
        "table": "Mean by region",
        "table change": "Mean change by region",
        "region": "Region",
        "offices": "Offices",
        "mean": "Mean",
        "unknown region": "No region",
        "national": "Whole country",
        "more": "… and {count} more",
        "source": "Province boundaries: Royal Thai Survey Department / UN OCHA HDX "
        "(CC BY-IGO 3.0), simplified by mapthai",
    },
}
