"""``pmqa review-sheet``: the committee's workbook of every office's claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.lang import tr
from pmqa_cli.cli.options import (
    ForceFlag,
    RegistryOption,
    RubricOption,
    command_line,
    output_option,
)
from pmqa_cli.core.numbers import Shown, show_number

__all__ = ["review_sheet_command"]


@edge
def review_sheet_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Folders (searched recursively) and submission files.", metavar="PATH..."
        ),
    ],
    output: Annotated[Path, output_option("The committee's workbook to write (.xlsx).")],
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    force: ForceFlag = False,
) -> None:
    """Write the committee's review workbook: every office's claims, with verdict cells.

    Fill it in Excel or LibreOffice, then apply it with pmqa batch --review (or score
    --review). Of two files for one office the one batch would score is used (the later
    submission date, then the file name), and the office is named. Exits 1 when a submission
    could not be read (it has no rows in the workbook) or an office sent different files.
    """
    from pmqa_cli.cli import render  # heavy: rich, pydantic
    from pmqa_cli.io.mark import Kind  # heavy: xml parsing
    from pmqa_cli.report import given, run  # heavy: pydantic

    files = run.find_submissions(paths).files
    run.check_outputs_of(
        run.Outputs(output), Kind.REVIEW, inputs=[*files, rubric, registry],
        input_folders=paths, force=force,
    )  # fmt: skip
    loaded = given.load_rubric_option(rubric)
    offices = given.load_registry_option(registry)
    review = run.write_review_workbook(
        files, loaded, output, registry=offices, limits=given.reading_limits(),
        command=command_line("review-sheet"),
    )  # fmt: skip
    chosen = len(review.chosen)
    rows = show_number(review.rows, Shown.COUNT, 0)  # 14,703
    render.written(
        output,
        tr(
            f"แบบตรวจสอบของคณะกรรมการ: {chosen} หน่วยงาน {rows} แถวที่ต้องตรวจ",
            f"review workbook: {chosen} offices, {rows} rows to review",
        ),
    )
    for left in review.left_out:
        why_th = "ไม่ระบุรหัสหน่วยงาน" if left.readable else "อ่านไม่ได้"
        why_en = "has no office code" if left.readable else "cannot be read"
        render.error(
            tr(
                f"ไม่ได้ใส่ไว้: {left.path} {why_th} ตรวจไฟล์นี้ด้วย pmqa validate",
                f"Left out: {left.path} {why_en}; run pmqa validate on it.",
            )
        )
    for conflict in review.conflicts:
        others = ", ".join(p.name for p in conflict.others)
        render.error(
            tr(
                f"หน่วยงาน {conflict.code} ส่งมาหลายไฟล์ที่ต่างกัน แบบตรวจสอบแสดงไฟล์ "
                f"{conflict.chosen.name} (ไฟล์ที่ pmqa batch ประเมิน: วันที่ส่งในแบบฟอร์มล่าสุด "
                f"ถ้าเท่ากันใช้ชื่อไฟล์) ไม่ได้แสดง {others} ยืนยันไฟล์ฉบับสุดท้ายกับหน่วยงาน "
                "แล้วย้ายไฟล์อื่นออกจากโฟลเดอร์ก่อนให้คณะกรรมการตรวจ",
                f"Office {conflict.code} sent different files: the review sheet shows "
                f"{conflict.chosen.name} (the one pmqa batch scores: the latest submission date "
                f"in the workbook, then the file name), not {others}. Confirm the final file "
                "with the office and move the others out of the folder before the committee "
                "reviews it.",
            )
        )
    if review.left_out or review.conflicts:
        raise typer.Exit(1)
