"""How the values read from a workbook are labelled for people: items, fields, answers.

Numbers are shown by their kind (:func:`pmqa_cli.rubric.units.show`, the one rule for the
digits of every output); this module names what a value is in the audit trail and findings.
"""

from __future__ import annotations

from pmqa_cli.io.layout import OFFICE_FIELDS
from pmqa_cli.rubric.units import FAIL_TH, PASS_TH

__all__ = ["field_label", "item_label", "used_value"]

_OFFICE_LABELS = {f.key: f.label_th for f in OFFICE_FIELDS}
_FIELD_LABELS = {
    "answer": "ผลการประเมินตนเอง",
    "value": "ผลการดำเนินงาน",
    "not_applicable": "ไม่เกี่ยวข้อง (N/A)",
    **_OFFICE_LABELS,
}


def item_label(item_id: str) -> str:
    """An item as a person names it: criteria and indicators by their id, office details by
    their Thai label (not the template's internal key)."""
    return _OFFICE_LABELS.get(item_id, item_id)


def field_label(name: str) -> str:
    """What a value read from a workbook is, in Thai."""
    return _FIELD_LABELS.get(name, name)


def used_value(name: str, value: object) -> object:
    """A value read from a workbook as the audit trail shows it: yes/no answers as words."""
    if isinstance(value, bool):
        if name == "answer":
            return PASS_TH if value else FAIL_TH
        return "ใช่" if value else "ไม่ใช่"
    return value
