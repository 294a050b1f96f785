"""``pmqa template``: the blank workbook an office fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.lang import tr
from pmqa_cli.cli.options import (
    ForceFlag,
    RubricOption,
    command_line,
    output_option,
    registry_option,
)

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
    from pmqa_cli.cli import render  # heavy: rich, pydantic
    from pmqa_cli.io.mark import Kind  # heavy: xml parsing
    from pmqa_cli.report import given, run  # heavy: pydantic
    from pmqa_cli.report.guard import Form, Target, check_outputs  # heavy: xml parsing

    check_outputs(
        [Target("-o", output, Form.WORKBOOK, Kind.TEMPLATE)],
        inputs=given.given_paths(rubric, registry),
        force=force,
    )
    loaded = given.load_rubric_option(rubric)
    entry = None if office is None else given.find_office(office, registry)
    run.write_template_file(loaded, output, entry, command=command_line("template"))
    render.written(
        output,
        tr(
            f"แบบฟอร์มตามเกณฑ์ {loaded.id} ฉบับ {loaded.version}",
            f"template for {loaded.id} v{loaded.version}",
        ),
    )
