"""``pmqa sample``: realistic filled submissions, some with typical mistakes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import (
    ForceFlag,
    RubricOption,
    command_line,
    jobs_option,
    registry_option,
)

__all__ = ["sample_command"]


@edge
def sample_command(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the submissions into.", metavar="DIR")
    ],
    count: Annotated[
        int,
        typer.Option("--count", "-n", help="How many submissions to write.", min=1, metavar="N"),
    ] = 20,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="Random seed; the same seed gives the same files.", metavar="SEED"
        ),
    ] = 2567,
    jobs: Annotated[int, jobs_option("Processes to use; 0 means one per core.")] = 0,
    rubric: RubricOption = None,
    registry: Annotated[
        Path | None,
        registry_option(
            "Offices to write submissions for; defaults to the shipped sample registry."
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write realistic filled submissions (some with typical mistakes) for demos and tests."""
    from pmqa_cli.cli import render  # heavy: rich, pydantic
    from pmqa_cli.report import given, run  # heavy: pydantic
    from pmqa_cli.report.guard import Form, Target, check_outputs  # heavy: xml parsing

    check_outputs(
        [Target("--out", out, Form.SAMPLE_FOLDER)],
        inputs=given.given_paths(rubric, registry),
        force=force,
    )
    loaded = given.load_rubric_option(rubric)
    offices = given.registry_or_sample(registry)
    planted = run.write_sample_folder(
        loaded, offices, count, out, seed=seed, jobs=jobs or os.cpu_count() or 1,
        command=command_line("sample"),
    )  # fmt: skip
    render.samples(out, count, planted)
