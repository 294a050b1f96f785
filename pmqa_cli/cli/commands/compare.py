"""``pmqa compare``: two result files compared without re-scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import (
    ForceFlag,
    command_line,
    output_option,
    registry_option,
    rubric_option,
)

__all__ = ["compare_command"]


def _result(help_text: str, metavar: str) -> object:
    return typer.Argument(help=help_text, dir_okay=False, metavar=metavar)


@edge
def compare_command(
    old: Annotated[
        Path, _result("The earlier result: a pmqa results JSON, or a CSV/XLSX table.", "OLD")
    ],
    new: Annotated[
        Path, _result("The later result: a pmqa results JSON, or a CSV/XLSX table.", "NEW")
    ],
    output: Annotated[Path, output_option("The comparison workbook to write (.xlsx).")],
    rubric: Annotated[
        Path | None,
        rubric_option(
            "Rubric whose item ids (and previous_ids) match the items; default: shipped."
        ),
    ] = None,
    registry: Annotated[
        Path | None,
        registry_option(
            "Registry of offices, for types, provinces and regions a table leaves out."
        ),
    ] = None,
    old_label: Annotated[
        str | None,
        typer.Option("--old-label", help="Label of OLD (default: from the file).", metavar="LABEL"),
    ] = None,
    new_label: Annotated[
        str | None,
        typer.Option("--new-label", help="Label of NEW (default: from the file).", metavar="LABEL"),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Also write the comparison as JSON here.", metavar="FILE.json"),
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write each comparison table as CSV into this folder.", metavar="DIR"
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Compare two result files (JSON or tables) without re-scoring: per office, most improved
    and declined, national means; exit 1 if either file has errors."""
    # Heavy (pydantic, rich): imported when the command runs, so --help stays quick.
    from pmqa_cli.cli import render, render_batch
    from pmqa_cli.core.findings import has_errors
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.report import given, run

    given.must_exist(old, new)
    outputs = run.Outputs(output, json=json_path, csv=csv_dir)
    run.check_outputs_of(outputs, Kind.COMPARISON, inputs=[old, new, rubric, registry], force=force)
    loaded = given.load_rubric_option(rubric)
    offices = given.load_registry_option(registry)
    comparison = run.compare_results(
        old, new, loaded, offices, old_label=old_label, new_label=new_label
    )
    written = run.write_comparison_files(comparison, loaded, outputs, command_line("compare"))
    render_batch.comparison(comparison)
    for path in written[:5]:
        render.written(path, "comparison")
    if has_errors(comparison.findings):
        raise typer.Exit(1)
