"""``pmqa validate``: submissions checked, every problem listed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import JsonFlag, RegistryOption, RubricOption

__all__ = ["validate_command"]


@edge
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Submission workbooks (.xlsx) to check, or folders: every submission in them "
            "(searched recursively, as pmqa batch finds them).",
            metavar="PATH...",
        ),
    ],
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Check submissions and list every problem; exit 0 with no errors, 1 with any."""
    from pmqa_cli.assess.office import score_office  # heavy: pydantic
    from pmqa_cli.cli import render  # heavy: rich, pydantic
    from pmqa_cli.report import given, run  # heavy: pydantic

    named = run.files_to_check(files)
    loaded = given.load_rubric_option(rubric)
    offices = given.load_registry_option(registry)
    limits = given.reading_limits()
    reports = [score_office(f, loaded, registry=offices, limits=limits) for f in named]
    if as_json:
        # Each file is the same office object as `pmqa score --json` gives for it.
        render.json_out(
            {"valid": all(r.valid for r in reports), "files": [r.to_dict() for r in reports]}
        )
    else:
        render.validation(reports)
    if not all(r.valid for r in reports):
        raise typer.Exit(1)
