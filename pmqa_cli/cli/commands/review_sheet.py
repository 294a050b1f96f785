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
    submission date, then the file name). Exits 1 when a submission could not be read (it has
    no rows in the workbook).
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
    for line in review.left_out:
        render.error(
            tr(
                f"ไม่ได้ใส่ไว้: {line} ตรวจไฟล์นี้ด้วย pmqa validate",
                f"Left out: {line}; run pmqa validate on it.",
            )
        )
    if review.left_out:
        raise typer.Exit(1)
