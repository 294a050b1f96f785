"""``pmqa score``: one submission scored, optionally with its feedback workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.lang import tr
from pmqa_cli.cli.options import (
    CorrectionsOption,
    DataOption,
    ForceFlag,
    JsonFlag,
    PdfFlag,
    RegistryOption,
    ReviewOption,
    RubricOption,
    command_line,
    output_option,
)

__all__ = ["score_command"]


SubmissionArgument = Annotated[
    Path, typer.Argument(help="The submission workbook (.xlsx) to score.", metavar="FILE.xlsx")
]
FeedbackOption = Annotated[
    Path | None,
    output_option("Also write the office's feedback workbook (.xlsx) here.", "FEEDBACK.xlsx"),
]


@edge
def score_command(
    file: SubmissionArgument,
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    as_json: JsonFlag = False,
    output: FeedbackOption = None,
    pdf: PdfFlag = False,
    force: ForceFlag = False,
    review: ReviewOption = None,
    data: DataOption = None,
    corrections: CorrectionsOption = None,
) -> None:
    """Score one submission: issues, indicators, parts, overall; then its findings.

    With --review, --data or --corrections the scores shown are the verified ones, beside
    what the office claimed (docs/verification.md).
    """
    from pmqa_cli.cli import render  # heavy: rich, pydantic
    from pmqa_cli.io.mark import Kind  # heavy: xml parsing
    from pmqa_cli.report import given, run  # heavy: pydantic
    from pmqa_cli.report.guard import Form, Target, check_outputs  # heavy: xml parsing

    if output is not None:
        check_outputs(
            [Target("-o", output, Form.WORKBOOK, Kind.FEEDBACK),
             *([Target("--pdf", output.with_suffix(".pdf"), Form.PDF)] if pdf else [])],
            inputs=given.given_paths(file, rubric, registry, *(review or []), *(data or []),
                                     *(corrections or [])),
            force=force,
        )  # fmt: skip
    if pdf:
        given.need_pdf(output is not None, "-o FEEDBACK.xlsx")
    loaded = given.load_rubric_option(rubric)
    offices = given.load_registry_option(registry)
    limits = given.reading_limits()
    verification = given.load_verification_option(
        loaded, review, data, corrections, offices, limits
    )
    report = run.score_and_write(
        file, loaded, registry=offices, limits=limits, verification=verification,
        output=output, pdf=pdf, command=command_line("score"),
    )  # fmt: skip
    if as_json:
        render.json_out(report.to_dict())
    else:
        render.score(report, loaded)
        if output is not None:
            render.written(output, tr("แบบรายงานผลรายหน่วยงาน", "feedback workbook"))
            if pdf:
                render.written(output.with_suffix(".pdf"), "PDF")
    if not report.valid:
        raise typer.Exit(1)
