"""The ``pmqa`` command: the typer app, its global options, and its commands.

Each command (``pmqa_cli/cli/commands/``) parses its options (declared once, in
:mod:`pmqa_cli.cli.options`), calls the library, renders and exits; what stops a run is turned
into a message and an exit code at the edge (:mod:`pmqa_cli.cli.edge`). Only this package
imports typer and rich. Heavy modules (pandas, openpyxl, pydantic) are imported inside the
commands that need them, so ``pmqa --help`` is quick.
Exit codes: 0 clean, 1 data errors found or a file unreadable, 2 usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pmqa_cli import __version__
from pmqa_cli.cli.commands.batch import batch_command
from pmqa_cli.cli.commands.compare import compare_command
from pmqa_cli.cli.commands.review_sheet import review_sheet_command
from pmqa_cli.cli.commands.rubric import rubric_check, rubric_show
from pmqa_cli.cli.commands.sample import sample_command
from pmqa_cli.cli.commands.score import score_command
from pmqa_cli.cli.commands.template import template_command
from pmqa_cli.cli.commands.validate import validate_command
from pmqa_cli.cli.edge import set_debug
from pmqa_cli.cli.lang import LANGS, set_lang
from pmqa_cli.cli.options import Command, Group
from pmqa_cli.cli.usage import LanguageUsageError
from pmqa_cli.core import portable

__all__ = ["app", "main"]

app = typer.Typer(
    name="pmqa",
    help=(
        "Score the PMQA 4.0 and category-7 assessment of OBEC's Educational Service Area "
        "Offices (สพท.) from Excel workbooks."
    ),
    no_args_is_help=True,
    cls=Group,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = typer.Typer(
    help="Check and show rubric files (what is assessed and how it is scored).",
    short_help="Check and show rubric files.",
    no_args_is_help=True,
    cls=Group,
)
app.add_typer(rubric_app, name="rubric")


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
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="th|en",
            help="Language of the terminal's labels and messages: th (Thai) or en (English); "
            "the default comes from PMQA_LANG or the locale.",
        ),
    ] = None,
) -> None:
    """Score the PMQA 4.0 and category-7 assessment of area offices from Excel workbooks."""
    set_debug(debug)
    if lang is not None and lang.strip().lower() not in LANGS:
        wrong = typer.BadParameter(f"use th or en, not {lang!r}", param_hint="--lang")
        raise LanguageUsageError(wrong, th=f"ค่าของ --lang ต้องเป็น th หรือ en ไม่ใช่ {lang!r}")
    set_lang(lang.strip().lower() if lang else None)
    _portable_streams()


def _portable_streams() -> None:
    # A console that cannot show Thai (a Windows code page) gets "?" instead of a crash, and a
    # file-size limit is an error pmqa reports instead of a signal that kills it.
    portable.make_streams_safe()
    portable.ignore_file_size_signal()


rubric_app.command("check", cls=Command, short_help="Check a rubric file and summarise it.")(
    rubric_check
)
rubric_app.command(
    "show", cls=Command, short_help="Show a rubric: issues, tiers, criteria, indicators."
)(rubric_show)
app.command(
    "template", cls=Command, short_help="Write the blank Excel template an office fills in."
)(template_command)
app.command("validate", cls=Command, short_help="Check submissions and list every problem.")(
    validate_command
)
app.command(
    "score", cls=Command, short_help="Score one submission; optionally write its feedback."
)(score_command)
app.command(
    "sample", cls=Command, short_help="Write realistic filled submissions for demos and tests."
)(sample_command)
app.command(
    "batch", cls=Command, short_help="Score folders of submissions into one results workbook."
)(batch_command)
app.command(
    "compare", cls=Command, short_help="Compare two results: offices, means, most improved."
)(compare_command)
app.command(
    "review-sheet",
    cls=Command,
    short_help="Write the committee's review workbook: every claim, with verdict cells.",
)(review_sheet_command)


def main() -> None:
    """Console-script entry point."""
    _portable_streams()
    portable.stop_on_signals()  # SIGTERM and SIGHUP unwind as Ctrl+C does
    app(prog_name="pmqa")


if __name__ == "__main__":  # pragma: no cover
    main()
