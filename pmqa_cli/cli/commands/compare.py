"""``pmqa compare``: two result files compared without re-scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.lang import tr
from pmqa_cli.cli.options import (
    ForceFlag,
    command_line,
    csv_folder_option,
    json_file_option,
    output_option,
    registry_option,
    rubric_option,
)
from pmqa_cli.core.findings import has_errors

__all__ = ["compare_command"]


def _result(text: str, metavar: str) -> object:
    return typer.Argument(help=text, dir_okay=False, metavar=metavar)


OldArgument = Annotated[
    Path, _result("The earlier result: a pmqa results JSON, or a CSV/XLSX table.", "OLD")
]
NewArgument = Annotated[
    Path, _result("The later result: a pmqa results JSON, or a CSV/XLSX table.", "NEW")
]
ItemsRubricOption = Annotated[
    Path | None,
    rubric_option("Rubric whose item ids (and previous_ids) match the items; default: shipped."),
]
DetailsRegistryOption = Annotated[
    Path | None,
    registry_option("Registry of offices, for types, provinces and regions a table leaves out."),
]
OldLabelOption = Annotated[
    str | None,
    typer.Option(
        "--old-label",
        help="Label of OLD (default: from the file; two equal labels are a usage error).",
        metavar="LABEL",
    ),
]
NewLabelOption = Annotated[
    str | None,
    typer.Option(
        "--new-label",
        help="Label of NEW (default: from the file; two equal labels are a usage error).",
        metavar="LABEL",
    ),
]
JsonOption = Annotated[Path | None, json_file_option("Also write the comparison as JSON here.")]
CsvOption = Annotated[
    Path | None, csv_folder_option("Also write each comparison table as CSV into this folder.")
]


@edge
def compare_command(
    old: OldArgument,
    new: NewArgument,
    output: Annotated[Path, output_option("The comparison workbook to write (.xlsx).")],
    rubric: ItemsRubricOption = None,
    registry: DetailsRegistryOption = None,
    old_label: OldLabelOption = None,
    new_label: NewLabelOption = None,
    json_path: JsonOption = None,
    csv_dir: CsvOption = None,
    force: ForceFlag = False,
) -> None:
    """Compare two result files (JSON or tables) without re-scoring: per office, most improved
    and declined, national means; exit 1 if either file has errors."""
    from pmqa_cli.cli import render, render_batch  # heavy: rich, pydantic
    from pmqa_cli.io.mark import Kind  # heavy: xml parsing
    from pmqa_cli.report import given, run  # heavy: pydantic

    given.must_exist(old, new)
    outputs = run.Outputs(output, json=json_path, csv=csv_dir)
    run.check_outputs_of(outputs, Kind.COMPARISON, inputs=[old, new, rubric, registry], force=force)
    loaded = given.load_rubric_option(rubric)
    offices = given.load_registry_option(registry)
    comparison, written = run.compare_and_write(
        old, new, loaded, offices, outputs, command=command_line("compare"),
        old_label=old_label, new_label=new_label,
    )  # fmt: skip
    render_batch.comparison(comparison)
    for path in written[:5]:
        render.written(path, tr("ผลเปรียบเทียบ", "comparison"))
    if has_errors(comparison.findings):
        raise typer.Exit(1)
