"""The formula vocabulary of the template's live checks and provisional score sheet.

Pure functions that return spreadsheet formula text (without the leading ``=``): references and
literals, pmqa's reading of an answer (docs/workbook-format.md) and the level between
thresholds (docs/scoring.md), and the words a check cell starts with. Only functions that Excel
2010 and LibreOffice both have are used (:data:`FUNCTIONS`); no text from the rubric is put
inside a formula, only pmqa's own fixed tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pmqa_cli.io.values import NO, NO_ANSWER, NOT_APPLICABLE, YES, plain
from pmqa_cli.rubric.model import Direction

__all__ = [
    "CHECK_BAD",
    "CHECK_NONE",
    "CHECK_OK",
    "FUNCTIONS",
    "answered_count",
    "any_equal",
    "found_value",
    "interpolate",
    "literal",
    "number_format",
    "quoted",
    "read_number",
    "read_yes_no",
    "required_count",
    "row_problems",
    "rubric_number",
]

#: Every spreadsheet function a generated formula may use: all in Excel 2010 and LibreOffice.
FUNCTIONS = frozenset(
    {
        "AND", "CELL", "COUNT", "COUNTIF", "FIND", "IF", "IFERROR", "INDEX", "INT", "ISBLANK",
        "ISERROR", "ISLOGICAL", "ISNUMBER", "LEFT", "LEN", "LOOKUP", "MATCH", "MAX", "MID", "MIN",
        "NOT", "OR",
        "ROUND", "ROWS", "SEARCH", "SUBSTITUTE", "SUM", "SUMPRODUCT", "TRIM", "VALUE",
    }
)  # fmt: skip

#: How a check cell starts: usable answer, a problem pmqa reports as an error, not assessed.
CHECK_OK = "✓"
CHECK_BAD = "✗"
CHECK_NONE = "—"

_THAI = "๐๑๒๓๔๕๖๗๘๙"
_FULL = "０１２３４５６７８９"


def quoted(sheet: str) -> str:
    """A sheet name quoted for a formula reference."""
    return "'" + sheet.replace("'", "''") + "'"


def literal(text: str) -> str:
    """A string literal for a formula (only pmqa's own fixed tokens are ever put in one)."""
    return '"' + text.replace('"', '""') + '"'


def number_format(decimals: int) -> str:
    """The number format that shows ``decimals`` places."""
    return "0" if decimals == 0 else "0." + "0" * decimals


def rubric_number(value: Decimal | float | None) -> str:
    """A rubric number as a formula literal or a label: 85, 0.5, 1000 (never 1E+3)."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return plain(number.normalize())


def any_equal(expr: str, tokens: Iterable[str]) -> str:
    """OR(expr="a", expr="b", ...): spreadsheet text comparison ignores case."""
    return "OR(" + ",".join(f"{expr}={literal(t)}" for t in sorted(tokens)) + ")"


def _digits(expr: str) -> str:
    """Thai and full-width digits turned into 0-9, as pmqa reads them."""
    for digits in (_THAI, _FULL):
        for n, ch in enumerate(digits):
            expr = f"SUBSTITUTE({expr},{literal(ch)},{literal(str(n))})"
    return expr


# --- reading an answer ---------------------------------------------------------------------


def found_value(found: str, cell: str) -> str:
    """The value of an answer sheet's ``cell`` in the row MATCH ``found`` (a cell holding the
    row number or ""): "" when the row is missing or the cell blank, "#ERROR" for an error
    value, else the value."""
    return f'IF({found}="","",IF(ISBLANK({cell}),"",IF(ISERROR({cell}),"#ERROR",{cell})))'


#: Positions after a thousands separator where the next one must be (``,ddd,ddd``): enough
#: for 30 digits, the most pmqa reads as a number.
_GROUP_STEPS = "{" + ",".join(str(4 * n) for n in range(1, 10)) + "}"


def _grouped(w: str) -> str:
    """TRUE when text ``w`` (that has a comma) has commas only as thousands separators, as
    normalize.py's rule: an optional sign, 1-3 leading digits not starting with 0, groups of
    exactly three digits, then an optional decimal point (1,234 and 12,345,678.5; not 7,5,
    0,480, 1234,567 or 1.234,5)."""
    first = f'FIND(",",{w})'
    dot = f'IFERROR(FIND(".",{w}),LEN({w})+1)'
    sign = f'OR(LEFT({w},1)="-",LEFT({w},1)="+")'
    commas = f'(LEN({w})-LEN(SUBSTITUTE({w},",","")))'
    lead = f"({first}-1-{sign})"
    return (
        f'AND(ISERROR(FIND(",",{w},{dot})),{lead}>=1,{lead}<=3,'
        f'ISERROR(FIND(MID({w},1+{sign},1),"0๐０")),'
        f"{dot}-{first}-1=4*{commas}-1,"
        f'SUMPRODUCT(--(MID({w},{first}+{_GROUP_STEPS},1)=","))={commas}-1)'
    )


def read_number(raw: str, cell: str, percent: bool) -> str:
    """The number pmqa reads from a cell (raw: its value, cell: the reference, for its format):
    a number, "" no answer, "N/A", or "?" not a number (a comma that is not a thousands
    separator included: pmqa's decimal-comma)."""
    scale = f'*IF(LEFT(CELL("format",{cell}),1)="P",100,1)' if percent else ""
    text = f"TRIM({raw})"
    w = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({text}," ",""),"%",""),"\u2212","-")'
    number = _digits(f'SUBSTITUTE({w},",","")')
    usable = f'IF(ISNUMBER(FIND(",",{w})),{_grouped(w)},TRUE)'
    return (
        f'IF({raw}="#ERROR","?",IF(ISLOGICAL({raw}),"?",IF(ISNUMBER({raw}),{raw}{scale},'
        f'IF({any_equal(text, NO_ANSWER)},"",IF({any_equal(text, NOT_APPLICABLE)},"N/A",'
        f'IFERROR(VALUE(IF({usable},{number},"x")),"?"))))))'
    )


def read_yes_no(raw: str) -> str:
    """1 met, 0 not met, "" no answer, "?" not one of the choices: pmqa's reading."""
    text = f"TRIM({raw})"
    return (
        f'IF({raw}="#ERROR","?",IF(ISLOGICAL({raw}),IF({raw},1,0),IF(ISNUMBER({raw}),'
        f'IF({raw}=1,1,IF({raw}=0,0,"?")),IF({any_equal(text, YES)},1,'
        f'IF({any_equal(text, NO)},0,IF({any_equal(text, NO_ANSWER)},"","?"))))))'
    )


# --- scoring -------------------------------------------------------------------------------


def interpolate(value: str, r: int, direction: Direction) -> str:
    """The level 0-5 between thresholds in columns E-I, linear, mirrored for lower-is-better."""
    t = [f"$E{r}", f"$F{r}", f"$G{r}", f"$H{r}", f"$I{r}"]
    before, beyond = ("<", ">=") if direction is Direction.HIGHER else (">", "<=")
    inner = f"4+({value}-{t[3]})/({t[4]}-{t[3]})"
    for i in (2, 1, 0):
        inner = (
            f"IF({value}{before}{t[i + 1]},{i + 1}+({value}-{t[i]})/({t[i + 1]}-{t[i]}),{inner})"
        )
    return f"IF({value}{before}{t[0]},0,IF({value}{beyond}{t[4]},5,{inner}))"


# --- checks --------------------------------------------------------------------------------


def row_problems(found: str, raw: str, then: str) -> str:
    """A check's first two questions, the same for every item: is its row on the answer sheet
    (``found`` not ""), and does its cell (``raw``) hold no error value; ``then`` otherwise."""
    return (
        f'IF({found}="",{literal(CHECK_BAD + " ไม่พบแถว / row missing")},'
        f'IF({raw}="#ERROR",{literal(CHECK_BAD + " ค่าผิดพลาด / error value")},{then}))'
    )


def answered_count(checks: str) -> str:
    """How many of the check cells ``checks`` (a range) say the answer is usable."""
    return f'SUMPRODUCT(--(LEFT({checks},1)="{CHECK_OK}"))'


def required_count(checks: str) -> str:
    """How many of the check cells ``checks`` (a range) are items the office must answer."""
    return f'SUMPRODUCT(--(LEFT({checks},1)<>"{CHECK_NONE}"))'
