"""``pmqa batch``: folders of submissions scored into one results workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import (
    CorrectionsOption,
    DataOption,
    ForceFlag,
    JobsOption,
    PdfFlag,
    PreviousLabelOption,
    PreviousOption,
    ReviewOption,
    RubricOption,
    TimeoutOption,
    command_line,
    csv_folder_option,
    json_file_option,
    output_option,
    registry_option,
)

__all__ = ["batch_command"]

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="Folders (searched recursively) and files to score.", metavar="PATH..."),
]
ExpectedOption = Annotated[
    Path | None,
    registry_option("Offices expected (CSV/XLSX): lists missing offices and flags unknown codes."),
]
JsonOption = Annotated[
    Path | None, json_file_option("Also write the results as JSON to this file.")
]
CsvOption = Annotated[
    Path | None, csv_folder_option("Also write each results table as CSV into this folder.")
]
FeedbackOption = Annotated[
    Path | None,
    typer.Option(
        "--feedback",
        help="Also write each office's feedback workbook into this folder.",
        file_okay=False,
        metavar="DIR",
    ),
]
MapsOption = Annotated[
    Path | None,
    typer.Option(
        "--maps",
        help="Also write the province maps as PNG and SVG files into this folder.",
        file_okay=False,
        metavar="DIR",
    ),
]
RoundOption = Annotated[
    str,
    typer.Option(
        "--round", help='This round, for titles and comparisons (e.g. "12 เดือน").', metavar="ROUND"
    ),
]


@edge
def batch_command(
    paths: PathsArgument,
    output: Annotated[Path, output_option("The results workbook to write (.xlsx).")],
    rubric: RubricOption = None,
    registry: ExpectedOption = None,
    jobs: JobsOption = 0,
    json_path: JsonOption = None,
    csv_dir: CsvOption = None,
    feedback_dir: FeedbackOption = None,
    maps_dir: MapsOption = None,
    timeout: TimeoutOption = 60,
    previous: PreviousOption = None,
    previous_label: PreviousLabelOption = None,
    round_: RoundOption = "",
    pdf: PdfFlag = False,
    force: ForceFlag = False,
    review: ReviewOption = None,
    data: DataOption = None,
    corrections: CorrectionsOption = None,
) -> None:
    """Score every submission in folders into one results workbook (plus JSON, CSV, feedback).

    With --review, --data or --corrections the official scores (ranks, bands) are the
    verified ones; the self-assessed ones and every change are kept beside them
    (docs/verification.md).
    """
    from pmqa_cli.report.map_drawer import MapDrawer  # light: its process imports the maps'

    # Started first, so that matplotlib is imported in the drawing process while this one
    # starts, not beside the workers that score (report/map_drawer.py).
    with MapDrawer() as drawer:
        from pmqa_cli.assess.batch import BatchOptions  # heavy: pydantic
        from pmqa_cli.cli import render_batch  # heavy: rich, pydantic
        from pmqa_cli.io.mark import Kind  # heavy: xml parsing
        from pmqa_cli.report import given, run  # heavy: pydantic

        verifying = [*(review or []), *(data or []), *(corrections or [])]
        found = run.find_submissions(paths, previous=previous or [], verifying=verifying)
        outputs = run.Outputs(output, json_path, csv_dir, feedback_dir, maps_dir)
        run.check_outputs_of(
            outputs, Kind.RESULTS, inputs=[*found.files, rubric, registry, *(previous or []),
                                           *verifying],
            input_folders=paths, force=force, pdf=pdf,
        )  # fmt: skip
        if pdf:
            given.need_pdf(True, "")
        loaded = given.load_rubric_option(rubric)
        offices = given.load_registry_option(registry)
        earlier = run.load_previous(previous or [], previous_label or [], loaded)
        options = BatchOptions(jobs=jobs, timeout_seconds=timeout, limits=given.reading_limits(),
                               steps=feedback_dir is not None)  # fmt: skip
        verification = given.load_verification_option(
            loaded, review, data, corrections, offices, options.limits
        )
        with run.write_batch(
            found, paths, loaded, outputs, registry=offices, options=options,
            command=command_line("batch"), earlier=earlier, verification=verification,
            round_=round_, pdf=pdf, progress=render_batch.progress, drawer=drawer,
        ) as done:  # fmt: skip
            render_batch.batch_summary(done.batch, done.written)
            if done.analysis.comparison is not None:
                render_batch.comparison(done.analysis.comparison)
    if not done.clean:
        raise typer.Exit(1)
