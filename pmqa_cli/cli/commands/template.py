"""``pmqa template``: the blank workbook an office fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import ForceFlag, RubricOption, output_option, registry_option

__all__ = ["template_command"]


@edge
def template_command(
    output: Annotated[Path, output_option("Where to write the template (.xlsx).")],
    rubric: RubricOption = None,
    office: Annotated[
        str | None,
        typer.Option(
            "--office",
            help="Pre-fill this office's details (its code in the registry).",
            metavar="CODE",
        ),
    ] = None,
    registry: Annotated[
        Path | None,
        registry_option(
            "Registry to look --office up in; defaults to the shipped sample registry."
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write the blank Excel template an office fills in."""
    # Heavy (pydantic, openpyxl, rich): imported when the command runs, so --help stays quick.
    from pmqa_cli.cli import render
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.io.registry import load_registry, sample_registry_path
    from pmqa_cli.report.given import given_paths, load_registry_option, load_rubric_option
    from pmqa_cli.report.guard import Form, Target, check_outputs
    from pmqa_cli.report.template import write_template

    check_outputs(
        [Target("-o", output, Form.WORKBOOK, Kind.TEMPLATE)],
        inputs=given_paths(rubric, registry),
        force=force,
    )
    loaded = load_rubric_option(rubric)
    entry = None
    if office is not None:
        offices = load_registry_option(registry) or load_registry(sample_registry_path())
        entry = offices.get(office.strip())
        if entry is None:
            raise UsageError(f"The office code {office} is not in the registry {offices.source}.")
    write_template(loaded, output, entry)
    render.written(output, f"template for {loaded.id} v{loaded.version}")
