"""Categories 1-6 on the provisional score sheet: criteria, issues, categories and dimensions.

Each criterion's row reads its answer from the PMQA 4.0 sheet by id and checks it; each issue's
row counts its criteria met tier by tier, gated as docs/scoring.md says, and takes the status
of the highest complete tier; each category's (and dimension's) row is the mean the
``category_mean`` aggregation adds up.
"""

from __future__ import annotations

from pmqa_cli.io.layout import SHEET_PMQA
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.formulas import (
    CHECK_BAD,
    CHECK_OK,
    found_value,
    literal,
    quoted,
    read_yes_no,
    row_problems,
)
from pmqa_cli.report.score_sheet import CENTER, CHECK, LABEL, Pieces, ScoreSheet, over
from pmqa_cli.rubric.model import DIMENSIONS, Issue

__all__ = ["Spans", "categories_block", "criteria_block", "issues_block"]

#: (issue id, tier id) -> the rows of that tier's criteria (one run, or more where the
#: criteria continue on a new page under the header repeated).
Spans = dict[tuple[str, str], Pieces]


def criteria_block(sheet: ScoreSheet) -> Spans:
    """One row per criterion: its row on the PMQA 4.0 sheet, the answer, met (1/0), the
    check."""
    rubric = sheet.rubric
    labels = {1: "รหัส", 2: "ตรวจสอบ", 3: "ประเด็น / ระดับ", 4: "คะแนนระดับ", 5: "แถวที่",
              6: "คำตอบที่กรอก", 7: "ผ่าน (1/0)"}  # fmt: skip
    answers = quoted(SHEET_PMQA)
    answer = column_letter(sheet.pmqa_cols["answer"])
    id_col, answer_col = f"{answers}!$A:$A", f"{answers}!${answer}:${answer}"
    spans: Spans = {}
    with sheet.block("criteria", "PMQA 4.0 หมวด 1-6: คำตอบรายเกณฑ์ / Criteria", labels):
        for issue in rubric.issues:
            for tier in issue.tiers:
                first = sheet.row
                title = f"{issue.id} · {rubric.tier_default(tier.id).title_th}"
                for r, criterion in sheet.rows(tier.criteria):
                    sheet.item(r, criterion.id)
                    sheet.text(r, LABEL, title)
                    sheet.text(r, 4, rubric.tier_points(tier), alignment=CENTER)
                    sheet.formula(r, 5, f'IFERROR(MATCH($A{r},{id_col},0),"")')
                    sheet.formula(r, 6, found_value(f"$E{r}", f"INDEX({answer_col},$E{r})"))
                    sheet.formula(r, 7, read_yes_no(f"$F{r}"))
                    sheet.formula(r, CHECK, _check(r))
                    # One line tall enough for 16 pt Thai (column B holds a formula).
                    sheet.fit(r, LABEL)
                spans[(issue.id, tier.id)] = sheet.pieces(first, sheet.row - 1)
    return spans


def _check(r: int) -> str:
    """A criterion's check: its row, an error value, a choice, an answer."""
    return row_problems(
        f"$E{r}",
        f"$F{r}",
        f'IF($G{r}="?",{literal(CHECK_BAD + " ไม่ใช่ตัวเลือก / not a choice")},'
        f'IF($G{r}="",{literal(CHECK_BAD + " ยังไม่ตอบ / missing")},'
        f"{literal(CHECK_OK)}))",
    )


def issues_block(sheet: ScoreSheet, spans: Spans) -> None:
    """One row per issue: criteria met and points tier by tier, the score and the status."""
    labels = {1: "รหัส", 2: "สถานะ / Status", 3: "ประเด็น / Issue", 4: "หมวด", 5: "น้ำหนัก",
              6: "คะแนน"}  # fmt: skip
    for n, default in enumerate(sheet.rubric.scoring.tiers):
        labels[7 + 2 * n] = f"ผ่าน{default.title_th} (ข้อ)"
        labels[8 + 2 * n] = f"คะแนน{default.title_th}"
    with sheet.block("issues", "PMQA 4.0 หมวด 1-6: คะแนนรายประเด็น / Issues", labels):
        for r, issue in sheet.rows(sheet.rubric.issues):
            sheet.item(r, issue.id)
            sheet.text(r, LABEL, issue.title_th)
            sheet.text(r, 4, issue.category, alignment=CENTER)
            sheet.text(r, 5, issue.weight, alignment=CENTER)
            complete: list[str] = []
            earned: list[str] = []
            for n, tier in enumerate(issue.tiers):
                pieces = spans[(issue.id, tier.id)]
                met_col, pts_col = column_letter(7 + 2 * n), column_letter(8 + 2 * n)
                met = over(pieces, lambda lo, hi: f"COUNTIF($G${lo}:$G${hi},1)")
                sheet.formula(r, 7 + 2 * n, met)
                # A tier counts only when every lower tier is complete (docs/scoring.md).
                gate = "AND(" + ",".join(complete) + ")" if complete else "TRUE"
                size = over(pieces, lambda lo, hi: f"ROWS($G${lo}:$G${hi})")
                sheet.formula(
                    r,
                    8 + 2 * n,
                    f"IF({gate},$D${pieces[0][0]}/{size}*{met_col}{r},0)",
                    sheet.fmt,
                )
                complete.append(f"{met_col}{r}={size}")
                earned.append(f"{pts_col}{r}")
            # The status: the highest tier complete with every tier below it.
            sheet.formula(r, CHECK, _status(sheet, 0, complete, issue))
            sheet.formula(r, 6, "SUM(" + ",".join(earned) + ")", sheet.fmt)
            # Generous, as for indicators: long Thai titles (OPDC's) wrap sooner than counted.
            sheet.fit(r, LABEL, generous=True)


def _status(sheet: ScoreSheet, n: int, complete: list[str], issue: Issue) -> str:
    """IF(tier n complete, <status from tier n+1 on>, <label of tier n-1>)."""
    below = (
        sheet.ref("below_first_tier", CHECK)
        if n == 0
        else sheet.ref(f"tier:{issue.tiers[n - 1].id}", CHECK)
    )
    if n == len(issue.tiers):
        return below
    return f"IF({complete[n]},{_status(sheet, n + 1, complete, issue)},{below})"


def categories_block(sheet: ScoreSheet) -> None:
    """Each category's and dimension's score (the means ``category_mean`` adds up)."""
    issues = sheet.block_pieces("issues")
    title = "คะแนนรายหมวดและรายมิติ / Categories and dimensions"
    labels = {1: "", 2: "", 3: "หมวด / มิติ", 4: "คะแนน", 5: "เลขหมวด / มิติ"}
    categories = sorted({i.category for i in sheet.rubric.issues})
    with sheet.block("categories", title, labels):
        for r, category in sheet.rows(categories):

            def inside(lo: int, hi: int, r: int = r) -> str:
                return f"($D${lo}:$D${hi}=$E{r})*$E${lo}:$E${hi}"

            weighted = over(issues, lambda lo, hi: f"SUMPRODUCT({inside(lo, hi)}*$F${lo}:$F${hi})")
            weight = over(issues, lambda lo, hi: f"SUMPRODUCT({inside(lo, hi)})")
            score = f"{weighted}/{weight}"
            _mean_row(sheet, r, f"category_{category}", f"หมวด {category}", category, score)
    if not sheet.rubric.indicators:
        return
    present = {i.dimension for i in sheet.rubric.indicators}
    indicators = sheet.block_pieces("indicators")
    with sheet.block("dimensions"):
        for r, dimension in sheet.rows([d for d in DIMENSIONS if d in present]):

            def counted(lo: int, hi: int, r: int = r) -> str:
                return f"($D${lo}:$D${hi}=$E{r})*$J${lo}:$J${hi}*$P${lo}:$P${hi}"

            weight = over(indicators, lambda lo, hi: f"SUMPRODUCT({counted(lo, hi)})")
            weighted = over(
                indicators, lambda lo, hi: f"SUMPRODUCT({counted(lo, hi)}*$R${lo}:$R${hi})"
            )
            score = f'IF({weight}=0,"",{weighted}/{weight})'

            _mean_row(sheet, r, f"dimension_{dimension}", f"มิติ {dimension}", dimension, score)


def _mean_row(
    sheet: ScoreSheet, r: int, key: str, label: str, number: int | str, score: str
) -> None:
    """A category's or a dimension's row: key, label, its number (column E) and its score."""
    sheet.key(r, key)
    sheet.text(r, LABEL, label)
    sheet.text(r, 5, number, alignment=CENTER)
    sheet.formula(r, 4, score, sheet.fmt)
    sheet.fit(r, LABEL)
