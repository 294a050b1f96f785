"""The ``pmqa`` command: a thin layer that parses options, calls the core, renders and exits.

Only this module and :mod:`pmqa_cli.render` import typer and rich. Heavy modules (pandas,
openpyxl, pydantic) are imported inside the commands that need them, so ``pmqa --help`` is quick.
Exit codes: 0 clean, 1 data errors found or a file unreadable, 2 usage error.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from pmqa_cli import __version__
from pmqa_cli.errors import PmqaError

__all__ = ["app", "main"]

app = typer.Typer(
    name="pmqa",
    help=(
        "Score the PMQA 4.0 and category-7 assessment of OBEC's Educational Service Area "
        "Offices (สพท.) from Excel workbooks."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = typer.Typer(
    help="Check and show rubric files (what is assessed and how it is scored).",
    no_args_is_help=True,
)
app.add_typer(rubric_app, name="rubric")

_state = {"debug": bool(os.environ.get("PMQA_DEBUG"))}

F = TypeVar("F", bound=Callable[..., Any])


def _edge(func: F) -> F:
    """Turn what stops a run into a message and an exit code; a traceback only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pmqa_cli import render

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except PmqaError as exc:
            if _state["debug"]:
                raise
            render.error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            render.error("Interrupted; no output was left half-written.")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            render.error(
                f"pmqa stopped on an internal error ({type(exc).__name__}: {exc}). "
                "Run the same command with --debug for the details, and report it."
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show pmqa's version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show full tracebacks for unexpected errors."),
    ] = False,
) -> None:
    """Score the PMQA 4.0 and category-7 assessment of area offices from Excel workbooks."""
    _state["debug"] = debug or bool(os.environ.get("PMQA_DEBUG"))


RubricOption = Annotated[
    Path | None,
    typer.Option(
        "--rubric",
        "-r",
        help="Rubric YAML file; defaults to the shipped FY2567 rubric.",
        dir_okay=False,
    ),
]


@rubric_app.command("check")
@_edge
def rubric_check(
    file: Annotated[
        Path | None,
        typer.Argument(help="Rubric YAML file; defaults to the shipped rubric.", dir_okay=False),
    ] = None,
) -> None:
    """Check a rubric file and summarise it; list every problem and exit 1 if it is broken."""
    from pmqa_cli import render
    from pmqa_cli.rubric import RubricError, load_rubric

    try:
        rubric, warnings = load_rubric(file)
    except RubricError as exc:
        render.rubric_problems(exc)
        raise typer.Exit(1) from None
    render.rubric_summary(rubric, warnings)


@rubric_app.command("show")
@_edge
def rubric_show(
    file: Annotated[
        Path | None,
        typer.Argument(help="Rubric YAML file; defaults to the shipped rubric.", dir_okay=False),
    ] = None,
) -> None:
    """Show a rubric as a tree: issues, tiers and criteria; dimensions and indicators."""
    from pmqa_cli import render
    from pmqa_cli.rubric import load_rubric

    rubric, _ = load_rubric(file)
    render.rubric_tree(rubric)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="pmqa")


if __name__ == "__main__":  # pragma: no cover
    main()
