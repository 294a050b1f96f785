"""``pmqa rubric check`` and ``pmqa rubric show``: a rubric file checked, or shown as an outline."""

from __future__ import annotations

import typer

from pmqa_cli.cli.edge import edge
from pmqa_cli.cli.options import RubricArgument

__all__ = ["rubric_check", "rubric_show"]


@edge
def rubric_check(file: RubricArgument = None) -> None:
    """Check a rubric file and summarise it; list every problem and exit 1 if it is broken."""
    from pmqa_cli.cli import render_rubric  # heavy: rich, pydantic
    from pmqa_cli.rubric.load import load_rubric, resolve_rubric  # heavy: pydantic
    from pmqa_cli.rubric.model import RubricError  # heavy: pydantic

    try:
        rubric, warnings = load_rubric(resolve_rubric(file))
    except RubricError as exc:
        render_rubric.rubric_problems(exc)
        raise typer.Exit(1) from None
    render_rubric.rubric_summary(rubric, warnings)


@edge
def rubric_show(file: RubricArgument = None) -> None:
    """Show a rubric as an outline: issues, tiers and criteria; dimensions and indicators."""
    from pmqa_cli.cli import render_rubric  # heavy: rich, pydantic
    from pmqa_cli.rubric.load import load_rubric, resolve_rubric  # heavy: pydantic

    rubric, _ = load_rubric(resolve_rubric(file))
    render_rubric.rubric_tree(rubric)
