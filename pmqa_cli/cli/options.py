"""The options the commands share, each declared once: its name, type, metavar and help.

An option whose meaning differs by command (``--registry`` of ``template`` looks an office up,
of ``batch`` lists the offices expected) takes that command's help through its factory; the
``Annotated`` aliases carry the common help. Light: nothing here imports the library's heavy
modules, so ``pmqa --help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from pmqa_cli.cli.usage import UsageError, in_language

__all__ = [
    "Command",
    "CorrectionsOption",
    "DataOption",
    "ForceFlag",
    "Group",
    "JobsOption",
    "JsonFlag",
    "PdfFlag",
    "PreviousLabelOption",
    "PreviousOption",
    "RegistryOption",
    "ReviewOption",
    "RubricArgument",
    "RubricOption",
    "TimeoutOption",
    "command_line",
    "csv_folder_option",
    "jobs_option",
    "json_file_option",
    "output_option",
    "registry_option",
    "rubric_option",
]


class Command(TyperCommand):
    """A command whose --help names arguments by their metavar (FILE.xlsx...) without typer's
    internal type labels (<list[Path]>, {files}) or Python-style ranges (x>=0), and whose usage
    errors speak the terminal's language (cli/usage.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            setattr(param, "_get_number_range_help_str", lambda: "")  # noqa: B010
            if isinstance(param, TyperArgument):
                setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010
                setattr(param, "_usage_display_name", param.display_name_raw.__str__)  # noqa: B010

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            raise in_language(error) from None


class Group(TyperGroup):
    """pmqa and its command groups: usage errors (an unknown command or option) in the
    terminal's language (cli/usage.py)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            raise in_language(error) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            raise in_language(error) from None


def command_line(name: str) -> str:
    """The command as typed, for the header of what it writes (``pmqa <name>`` if unknown)."""
    return "pmqa " + " ".join(sys.argv[1:]) if sys.argv[1:] else f"pmqa {name}"


def rubric_option(
    text: str = "Rubric YAML file, or the id of a shipped rubric (obec-esao-2567, opdc-pmqa4-24); "
    "defaults to the shipped FY2567 rubric.",
) -> Any:
    """``--rubric/-r``: a rubric file or a shipped rubric's id."""
    return typer.Option("--rubric", "-r", help=text, dir_okay=False, metavar="FILE.yaml")


def registry_option(
    text: str = "Registry of offices (CSV or XLSX: code, name, type, province, region).",
) -> Any:
    """``--registry``: the offices' registry (code, name, type, province, region)."""
    return typer.Option("--registry", help=text, dir_okay=False, metavar="FILE.csv")


def jobs_option(text: str = "Worker processes; 0 means one per core.") -> Any:
    """``--jobs/-j``: how many processes; 0 is one per core."""
    return typer.Option("--jobs", "-j", help=text, min=0, metavar="N")


def output_option(text: str, metavar: str = "FILE.xlsx") -> Any:
    """``--output/-o``: the file a command writes."""
    return typer.Option("--output", "-o", help=text, metavar=metavar)


def json_file_option(text: str) -> Any:
    """``--json FILE.json``: also write what the command writes as JSON."""
    return typer.Option("--json", help=text, metavar="FILE.json")


def csv_folder_option(text: str) -> Any:
    """``--csv DIR``: also write each table as CSV into a folder."""
    return typer.Option("--csv", help=text, metavar="DIR")


def _verification_option(name: str, text: str) -> Any:
    return typer.Option(name, help=text, dir_okay=False, metavar="FILE")


RubricOption = Annotated[Path | None, rubric_option()]
RubricArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Rubric YAML file or a shipped rubric's id; defaults to the shipped rubric.",
        dir_okay=False,
        metavar="[FILE.yaml]",
    ),
]
RegistryOption = Annotated[Path | None, registry_option()]
JobsOption = Annotated[int, jobs_option()]
ForceFlag = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing output file pmqa did not write (never an input).",
    ),
]
PdfFlag = Annotated[
    bool,
    typer.Option(
        "--pdf",
        help="Also print each workbook written to PDF beside it, through LibreOffice "
        "(which must be installed); an existing PDF pmqa did not print needs --force.",
    ),
]
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (docs/json-output.md) instead.")
]
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", help="Seconds one file may take to read.", min=1, metavar="SECONDS"),
]
PreviousOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--previous",
        help=(
            "An earlier result to compare with: a results JSON written by pmqa, or a CSV/XLSX "
            "table with office code and overall score (รหัส, คะแนนรวม). Repeat for several, "
            "oldest first."
        ),
        dir_okay=False,
        metavar="FILE",
    ),
]
PreviousLabelOption = Annotated[
    list[str] | None,
    typer.Option(
        "--previous-label",
        help=(
            'The label of each --previous (e.g. 2566 or "2567 รอบ 6 เดือน"), in the same '
            "order; default: from the file, else its name."
        ),
        metavar="LABEL",
    ),
]
ReviewOption = Annotated[
    list[Path] | None,
    _verification_option(
        "--review",
        "The committee's verdicts (CSV/XLSX: office, item, verdict, verified value, "
        "comment, reviewer); repeatable, one per committee member. Verdicts override "
        "everything (docs/verification.md).",
    ),
]
DataOption = Annotated[
    list[Path] | None,
    _verification_option(
        "--data",
        "Central indicator data (CSV/XLSX, wide or long) for many offices; repeatable. "
        "Overrides corrections and the offices' own values.",
    ),
]
CorrectionsOption = Annotated[
    list[Path] | None,
    _verification_option(
        "--corrections",
        "Corrections (CSV/XLSX: office, item, value, reason, by); repeatable. Override "
        "the offices' own answers.",
    ),
]
