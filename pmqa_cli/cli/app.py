"""The ``pmqa`` command: a thin layer that parses options, calls the core, renders and exits.

Only this module and :mod:`pmqa_cli.cli.render` import typer and rich. Heavy modules (pandas,
openpyxl, pydantic) are imported inside the commands that need them, so ``pmqa --help`` is quick.
Exit codes: 0 clean, 1 data errors found or a file unreadable, 2 usage error.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand

from pmqa_cli import __version__
from pmqa_cli.core.errors import PmqaError
from pmqa_cli.core.findings import has_errors

if TYPE_CHECKING:
    from pmqa_cli.compare.snapshot import Snapshot
    from pmqa_cli.io.registry import Registry
    from pmqa_cli.io.xlsx import Limits
    from pmqa_cli.rubric.model import Rubric
    from pmqa_cli.verify.inputs import Verification

__all__ = ["app", "main"]


class _Command(TyperCommand):
    """A command whose --help names arguments by their metavar (FILE.xlsx...) without typer's
    internal type labels (<list[Path]>, {files}) or Python-style ranges (x>=0)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            setattr(param, "_get_number_range_help_str", lambda: "")  # noqa: B010
            if isinstance(param, TyperArgument):
                setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010
                setattr(param, "_usage_display_name", param.display_name_raw.__str__)  # noqa: B010


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
    short_help="Check and show rubric files.",
    no_args_is_help=True,
)
app.add_typer(rubric_app, name="rubric")

_state = {"debug": bool(os.environ.get("PMQA_DEBUG"))}

F = TypeVar("F", bound=Callable[..., Any])
# A full disk, a file-size or disk quota, a read-only file system: an output problem, not a bug.
_DISK_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS}


def _edge(func: F) -> F:
    """Turn what stops a run into a message and an exit code; a traceback only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pmqa_cli.cli import render

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
            if isinstance(exc, OSError) and exc.errno in _DISK_ERRORS:
                render.error(
                    f"Cannot write pmqa's outputs: {exc.strerror or exc}. Free some space (the "
                    "output folder and the temporary folder both need room) or choose another "
                    "folder; nothing half-written was left and the submissions are untouched."
                )
                raise typer.Exit(1) from None
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
    from pmqa_cli.cli.lang import LANGS, set_lang

    _state["debug"] = debug or bool(os.environ.get("PMQA_DEBUG"))
    if lang is not None and lang.strip().lower() not in LANGS:
        raise typer.BadParameter(f"use th or en, not {lang!r}", param_hint="--lang")
    set_lang(lang.strip().lower() if lang else None)
    _portable_streams()


def _portable_streams() -> None:
    from pmqa_cli.core import portable

    # A console that cannot show Thai (a Windows code page) gets "?" instead of a crash, and a
    # file-size limit is an error pmqa reports instead of a signal that kills it.
    portable.make_streams_safe()
    portable.ignore_file_size_signal()


RubricOption = Annotated[
    Path | None,
    typer.Option(
        "--rubric",
        "-r",
        help="Rubric YAML file, or the id of a shipped rubric (obec-esao-2567, opdc-pmqa4-24); "
        "defaults to the shipped FY2567 rubric.",
        dir_okay=False,
        metavar="FILE.yaml",
    ),
]


@rubric_app.command("check", cls=_Command, short_help="Check a rubric file and summarise it.")
@_edge
def rubric_check(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Rubric YAML file or a shipped rubric's id; defaults to the shipped rubric.",
            dir_okay=False,
            metavar="[FILE.yaml]",
        ),
    ] = None,
) -> None:
    """Check a rubric file and summarise it; list every problem and exit 1 if it is broken."""
    from pmqa_cli.cli import render
    from pmqa_cli.rubric.load import load_rubric, resolve_rubric
    from pmqa_cli.rubric.model import RubricError

    try:
        rubric, warnings = load_rubric(resolve_rubric(file))
    except RubricError as exc:
        render.rubric_problems(exc)
        raise typer.Exit(1) from None
    render.rubric_summary(rubric, warnings)


@rubric_app.command(
    "show", cls=_Command, short_help="Show a rubric: issues, tiers, criteria, indicators."
)
@_edge
def rubric_show(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Rubric YAML file or a shipped rubric's id; defaults to the shipped rubric.",
            dir_okay=False,
            metavar="[FILE.yaml]",
        ),
    ] = None,
) -> None:
    """Show a rubric as an outline: issues, tiers and criteria; dimensions and indicators."""
    from pmqa_cli.cli import render
    from pmqa_cli.rubric.load import load_rubric, resolve_rubric

    rubric, _ = load_rubric(resolve_rubric(file))
    render.rubric_tree(rubric)


RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        help="Registry of offices (CSV or XLSX: code, name, type, province, region).",
        dir_okay=False,
        metavar="FILE.csv",
    ),
]
PdfFlag = Annotated[
    bool,
    typer.Option(
        "--pdf",
        help="Also print each workbook written to PDF beside it, through LibreOffice "
        "(which must be installed).",
    ),
]
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (docs/json-output.md) instead.")
]


def _rubric(path: Path | None) -> Rubric:
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.rubric.load import load_rubric, resolve_rubric, shipped_rubrics

    file = resolve_rubric(path)
    if file is not None and not file.exists():
        ids = ", ".join(f.stem for f in shipped_rubrics())
        raise UsageError(f"--rubric {path}: no such file, and no shipped rubric has that id "
                         f"(shipped: {ids}).")  # fmt: skip
    return load_rubric(file)[0]


def _limits() -> Limits:
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.io.xlsx import Limits

    try:
        return Limits.from_env()
    except ValueError as exc:
        raise UsageError(f"{exc} (see docs/security.md for the reading limits).") from None


def _registry(path: Path | None) -> Registry | None:
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.io.registry import load_registry

    if path is not None and not path.exists():
        raise UsageError(f"--registry {path}: no such file.")
    return load_registry(path) if path is not None else None


ForceFlag = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing output file pmqa did not write (never an input).",
    ),
]
ReviewOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--review",
        help="The committee's verdicts (CSV/XLSX: office, item, verdict, verified value, "
        "comment, reviewer); repeatable, one per committee member. Verdicts override "
        "everything (docs/verification.md).",
        dir_okay=False,
        metavar="FILE",
    ),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="Central indicator data (CSV/XLSX, wide or long) for many offices; repeatable. "
        "Overrides corrections and the offices' own values.",
        dir_okay=False,
        metavar="FILE",
    ),
]
CorrectionsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--corrections",
        help="Corrections (CSV/XLSX: office, item, value, reason, by); repeatable. Override "
        "the offices' own answers.",
        dir_okay=False,
        metavar="FILE",
    ),
]


def _verification(
    rubric: Rubric,
    reviews: list[Path] | None,
    data: list[Path] | None,
    corrections: list[Path] | None,
    offices: Registry | None,
    limits: Limits,
) -> Verification | None:
    """The review, data and correction files, read and checked; None when none was given."""
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.verify.inputs import load_verification

    given = [*(reviews or []), *(data or []), *(corrections or [])]
    if not given:
        return None
    for path in given:
        if not path.is_file():
            raise UsageError(f"{path} does not exist (or is not a file).")
    verification = load_verification(
        rubric, reviews=reviews or [], data=data or [], corrections=corrections or [],
        limits=limits,
    )  # fmt: skip
    if offices is not None:
        verification.check_offices({o.code: o.type for o in offices}, rubric)
    return verification


def _inputs(*paths: Path | None) -> list[Path]:
    return [p for p in paths if p is not None]


@app.command(
    "template", cls=_Command, short_help="Write the blank Excel template an office fills in."
)
@_edge
def template_command(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Where to write the template (.xlsx).", metavar="FILE.xlsx"
        ),
    ],
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
        typer.Option(
            "--registry",
            help="Registry to look --office up in; defaults to the shipped sample registry.",
            dir_okay=False,
            metavar="FILE.csv",
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write the blank Excel template an office fills in."""
    from pmqa_cli.cli import render
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.io.registry import load_registry, sample_registry_path
    from pmqa_cli.report.guard import Form, Target, check_outputs
    from pmqa_cli.report.template import write_template

    check_outputs(
        [Target("-o", output, Form.WORKBOOK, Kind.TEMPLATE)],
        inputs=_inputs(rubric, registry),
        force=force,
    )
    loaded = _rubric(rubric)
    entry = None
    if office is not None:
        offices = _registry(registry) or load_registry(sample_registry_path())
        entry = offices.get(office.strip())
        if entry is None:
            raise UsageError(f"The office code {office} is not in the registry {offices.source}.")
    write_template(loaded, output, entry)
    render.written(output, f"template for {loaded.id} v{loaded.version}")


@app.command("validate", cls=_Command, short_help="Check submissions and list every problem.")
@_edge
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Submission workbooks (.xlsx) to check.", metavar="FILE.xlsx..."),
    ],
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Check submissions and list every problem; exit 0 with no errors, 1 with any."""
    from pmqa_cli.assess.office import score_office
    from pmqa_cli.cli import render

    loaded = _rubric(rubric)
    offices = _registry(registry)
    limits = _limits()
    reports = [score_office(f, loaded, registry=offices, limits=limits) for f in files]
    if as_json:
        # Each file is the same office object as `pmqa score --json` gives for it.
        render.json_out(
            {"valid": all(r.valid for r in reports), "files": [r.to_dict() for r in reports]}
        )
    else:
        render.validation(reports)
    if not all(r.valid for r in reports):
        raise typer.Exit(1)


@app.command(
    "score", cls=_Command, short_help="Score one submission; optionally write its feedback."
)
@_edge
def score_command(
    file: Annotated[
        Path, typer.Argument(help="The submission workbook (.xlsx) to score.", metavar="FILE.xlsx")
    ],
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    as_json: JsonFlag = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Also write the office's feedback workbook (.xlsx) here.",
            metavar="FEEDBACK.xlsx",
        ),
    ] = None,
    pdf: PdfFlag = False,
    force: ForceFlag = False,
    review: ReviewOption = None,
    data: DataOption = None,
    corrections: CorrectionsOption = None,
) -> None:
    """Score one submission: issues, indicators, parts, overall; then its findings.

    With --review, --data or --corrections the scores shown are the verified ones, beside
    what the office claimed (docs/verification.md).
    """
    from pmqa_cli.assess.office import score_office
    from pmqa_cli.cli import render
    from pmqa_cli.verify.apply import Layers

    if output is not None:
        from pmqa_cli.io.mark import Kind
        from pmqa_cli.report.guard import Form, Target, check_outputs

        check_outputs(
            [Target("-o", output, Form.WORKBOOK, Kind.FEEDBACK)],
            inputs=_inputs(file, rubric, registry, *(review or []), *(data or []),
                           *(corrections or [])),
            force=force,
        )  # fmt: skip
    if pdf:
        _need_pdf(output is not None, "-o FEEDBACK.xlsx")
    loaded = _rubric(rubric)
    offices = _registry(registry)
    limits = _limits()
    verification = _verification(loaded, review, data, corrections, offices, limits)
    report = score_office(
        file, loaded, registry=offices, limits=limits, steps=output is not None,
        verifier=None if verification is None else Layers(verification, alone=True),
    )  # fmt: skip
    if output is not None:
        from pmqa_cli.report.feedback import write_feedback

        write_feedback(report, loaded, output)
        if pdf:
            from pmqa_cli.report.pdf import to_pdf

            to_pdf([output])
    if as_json:
        render.json_out(report.to_dict())
    else:
        render.score(report, loaded)
        if output is not None:
            render.written(output, "feedback workbook")
            if pdf:
                render.written(output.with_suffix(".pdf"), "PDF")
    if not report.valid:
        raise typer.Exit(1)


@app.command(
    "sample", cls=_Command, short_help="Write realistic filled submissions for demos and tests."
)
@_edge
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
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Processes to use; 0 means one per core.", min=0, metavar="N"
        ),
    ] = 0,
    rubric: RubricOption = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Offices to write submissions for; defaults to the shipped sample registry.",
            dir_okay=False,
            metavar="FILE.csv",
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write realistic filled submissions (some with typical mistakes) for demos and tests."""
    from pmqa_cli.cli import render
    from pmqa_cli.io.registry import load_registry, sample_registry_path
    from pmqa_cli.report.guard import Form, Target, check_outputs
    from pmqa_cli.report.sample import generate_samples

    check_outputs(
        [Target("--out", out, Form.SAMPLE_FOLDER)], inputs=_inputs(rubric, registry), force=force
    )
    loaded = _rubric(rubric)
    offices = _registry(registry) or load_registry(sample_registry_path())
    planted = generate_samples(loaded, offices, count, out, seed, jobs or os.cpu_count() or 1)
    render.samples(out, count, planted)


@app.command(
    "batch", cls=_Command, short_help="Score folders of submissions into one results workbook."
)
@_edge
def batch_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Folders (searched recursively) and files to score.", metavar="PATH..."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The results workbook to write (.xlsx).", metavar="FILE.xlsx"
        ),
    ],
    rubric: RubricOption = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Offices expected (CSV/XLSX): lists missing offices and flags unknown codes.",
            dir_okay=False,
            metavar="FILE.csv",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Worker processes; 0 means one per core.", min=0, metavar="N"
        ),
    ] = 0,
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Also write the results as JSON to this file.", metavar="FILE.json"
        ),
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write each results table as CSV into this folder.", metavar="DIR"
        ),
    ] = None,
    feedback_dir: Annotated[
        Path | None,
        typer.Option(
            "--feedback",
            help="Also write each office's feedback workbook into this folder.",
            file_okay=False,
            metavar="DIR",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", help="Seconds one file may take to read.", min=1, metavar="SECONDS"
        ),
    ] = 60,
    previous: Annotated[
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
    ] = None,
    previous_label: Annotated[
        list[str] | None,
        typer.Option(
            "--previous-label",
            help=(
                'The label of each --previous (e.g. 2566 or "2567 รอบ 6 เดือน"), in the same '
                "order; default: from the file, else its name."
            ),
            metavar="LABEL",
        ),
    ] = None,
    round_: Annotated[
        str,
        typer.Option(
            "--round",
            help='This round, for titles and comparisons (e.g. "12 เดือน").',
            metavar="ROUND",
        ),
    ] = "",
    pdf: PdfFlag = False,
    force: ForceFlag = False,
    review: ReviewOption = None,
    data: DataOption = None,
    corrections: CorrectionsOption = None,
) -> None:
    """Score every submission in folders into one results workbook (plus JSON, CSV, feedback).

    With --review, --data or --corrections the official scores (ranks, bands) are the
    verified ones; the self-assessed ones and every change are kept beside them
    (docs/verification.md).
    """
    from pmqa_cli.assess.batch import BatchOptions, discover, run_batch
    from pmqa_cli.cli import render
    from pmqa_cli.compare.analysis import analyse
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.report.outputs import output_timestamp
    from pmqa_cli.report.results import ResultsWorkbook, write_csv, write_json
    from pmqa_cli.verify.apply import Layers

    for path in [*paths, *(previous or [])]:
        if not path.exists():
            raise UsageError(f"{path} does not exist.")
    found = discover(paths)
    # An earlier result, or a verification file, kept in the submissions folder is an input of
    # another kind, never scored as an office.
    verifying = [*(review or []), *(data or []), *(corrections or [])]
    other_files = {p.resolve() for p in [*(previous or []), *verifying]}
    found = found._replace(
        files=[f for f in found.files if f.resolve() not in other_files],
        skipped=found.skipped + [str(f) for f in found.files if f.resolve() in other_files],
    )
    if not found.files:
        raise UsageError(
            "No submissions found (.xlsx, .xlsm, .xls, .xlsb, .ods) under: "
            + ", ".join(str(p) for p in paths)
            + (
                f" (passed over {len(found.outputs)} results/feedback workbooks pmqa wrote)"
                if found.outputs
                else ""
            )
        )
    _check_batch_outputs(output, json_path, csv_dir, feedback_dir, paths, found.files,
                         (rubric, registry, *(previous or []), *verifying), force)  # fmt: skip
    if pdf:
        _need_pdf(True, "")
    loaded = _rubric(rubric)
    offices = _registry(registry)
    earlier = _previous_results(previous or [], previous_label or [], loaded)
    command = "pmqa " + " ".join(sys.argv[1:]) if sys.argv[1:] else "pmqa batch"
    options = BatchOptions(
        jobs=jobs, timeout_seconds=timeout, limits=_limits(), steps=feedback_dir is not None
    )
    verification = _verification(loaded, review, data, corrections, offices, options.limits)
    # results.xlsx takes in each file's values while the rest are being scored.
    with ResultsWorkbook(
        output, loaded, compared=bool(earlier), verified=verification is not None
    ) as workbook:
        with render.progress(len(found.files)) as tick:
            batch = run_batch(
                paths, loaded, registry=offices, options=options, progress=tick,
                on_values=workbook.add_values, keep_values=csv_dir is not None,
                discovered=found,
                verifier=None if verification is None else Layers(verification),
            )  # fmt: skip
        with batch:
            analysis = analyse(batch, earlier, when=output_timestamp(), round_=round_)
            workbook.finish(batch, command, analysis)
            written = [output]
            if json_path is not None:
                write_json(batch, json_path, command, analysis)
                written.append(json_path)
            if csv_dir is not None:
                written += write_csv(batch, csv_dir, command, analysis)
            if feedback_dir is not None:
                from pmqa_cli.report.feedback import write_feedbacks

                written += write_feedbacks(
                    batch.scored, loaded, feedback_dir, jobs or os.cpu_count() or 1
                )
            if pdf:
                from pmqa_cli.report.pdf import to_pdf

                workbooks = [output] + [p for p in written if p.parent == feedback_dir]
                written += to_pdf(workbooks)
            render.batch_summary(batch, written)
            if analysis.comparison is not None:
                render.comparison(analysis.comparison)
    if not batch.clean or (analysis.comparison and has_errors(analysis.comparison.findings)):
        raise typer.Exit(1)


def _previous_results(files: list[Path], labels: list[str], rubric: Rubric) -> list[Snapshot]:
    """Earlier results to compare with, labelled; problems in them are their findings."""
    from pmqa_cli.compare.previous import load_result
    from pmqa_cli.core.errors import UsageError

    if labels and len(labels) != len(files):
        raise UsageError(
            f"Give one --previous-label for each --previous ({len(files)} files, "
            f"{len(labels)} labels), in the same order, or none."
        )
    return [
        load_result(path, rubric, label=labels[n] if labels else None)
        for n, path in enumerate(files)
    ]


@app.command(
    "compare", cls=_Command, short_help="Compare two results: offices, means, most improved."
)
@_edge
def compare_command(
    old: Annotated[
        Path,
        typer.Argument(
            help="The earlier result: a pmqa results JSON, or a CSV/XLSX table.",
            dir_okay=False,
            metavar="OLD",
        ),
    ],
    new: Annotated[
        Path,
        typer.Argument(
            help="The later result: a pmqa results JSON, or a CSV/XLSX table.",
            dir_okay=False,
            metavar="NEW",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The comparison workbook to write (.xlsx).", metavar="FILE.xlsx"
        ),
    ],
    rubric: Annotated[
        Path | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubric whose item ids (and previous_ids) match the items; default: shipped.",
            dir_okay=False,
            metavar="FILE.yaml",
        ),
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Registry of offices, for types, provinces and regions a table leaves out.",
            dir_okay=False,
            metavar="FILE.csv",
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
            "--csv",
            help="Also write each comparison table as CSV into this folder.",
            metavar="DIR",
        ),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Compare two result files (JSON or tables) without re-scoring: per office, most improved
    and declined, national means; exit 1 if either file has errors."""
    from pmqa_cli.cli import render
    from pmqa_cli.compare.comparison import compare, fill_details
    from pmqa_cli.compare.previous import load_result
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.report.comparison_book import (
        write_comparison,
        write_comparison_csv,
        write_comparison_json,
    )

    for path in (old, new):
        if not path.exists():
            raise UsageError(f"{path} does not exist.")
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.report.guard import Form, Target, check_outputs

    targets = [Target("-o", output, Form.WORKBOOK, Kind.COMPARISON)]
    if json_path is not None:
        targets.append(Target("--json", json_path, Form.JSON))
    if csv_dir is not None:
        targets.append(Target("--csv", csv_dir, Form.CSV_FOLDER))
    check_outputs(targets, inputs=_inputs(old, new, rubric, registry), force=force)
    loaded = _rubric(rubric)
    offices = _registry(registry)
    earlier = load_result(old, loaded, label=old_label)
    later = load_result(new, loaded, label=new_label)
    later = fill_details(later, earlier, offices)
    comparison = compare(later, [earlier], loaded, offices)
    command = "pmqa " + " ".join(sys.argv[1:]) if sys.argv[1:] else "pmqa compare"
    write_comparison(comparison, loaded, output, command)
    written = [output]
    if json_path is not None:
        write_comparison_json(comparison, json_path, command)
        written.append(json_path)
    if csv_dir is not None:
        written += write_comparison_csv(comparison, loaded, csv_dir, command)
    render.comparison(comparison)
    for path in written[:5]:
        render.written(path, "comparison")
    if has_errors(comparison.findings):
        raise typer.Exit(1)


@app.command(
    "review-sheet",
    cls=_Command,
    short_help="Write the committee's review workbook: every claim, with verdict cells.",
)
@_edge
def review_sheet_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Folders (searched recursively) and submission files.", metavar="PATH..."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The committee's workbook to write (.xlsx).",
            metavar="FILE.xlsx",
        ),
    ],
    rubric: RubricOption = None,
    registry: RegistryOption = None,
    force: ForceFlag = False,
) -> None:
    """Write the committee's review workbook: every office's claims, with verdict cells.

    Fill it in Excel or LibreOffice, then apply it with pmqa batch --review (or score
    --review). Of two files for one office the one batch would score is used (the later
    submission date, then the file name). Exits 1 when a submission could not be read (it has
    no rows in the workbook).
    """
    from pmqa_cli.assess.batch import discover
    from pmqa_cli.assess.reading import read_submission
    from pmqa_cli.assess.submission import Submission, choose
    from pmqa_cli.cli import render
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.report.guard import Form, Target, check_outputs
    from pmqa_cli.report.review_sheet import write_review_sheet

    for path in paths:
        if not path.exists():
            raise UsageError(f"{path} does not exist.")
    files = discover(paths).files
    if not files:
        raise UsageError("No submissions found under: " + ", ".join(str(p) for p in paths))
    check_outputs(
        [Target("-o", output, Form.WORKBOOK, Kind.REVIEW)],
        inputs=[*files, *_inputs(rubric, registry)],
        input_folders=[p for p in paths if p.is_dir()],
        force=force,
    )
    loaded = _rubric(rubric)
    offices = _registry(registry)
    limits = _limits()
    found: dict[str, list[Submission]] = {}
    left_out: list[str] = []
    for file in files:
        sub = read_submission(file, loaded, registry=offices, limits=limits)
        if not sub.readable or not sub.office.code:
            why = "cannot be read" if not sub.readable else "has no office code"
            left_out.append(f"{file} {why}")
            continue
        found.setdefault(sub.office.code, []).append(sub)
    chosen = {
        code: choose(subs, lambda s: s.office.submitted_on, lambda s: s.path)
        for code, subs in found.items()
    }
    rows = write_review_sheet(loaded, list(chosen.values()), output)
    render.written(output, f"review workbook: {len(chosen)} offices, {rows} rows to review")
    for line in left_out:
        render.error(f"Left out: {line}; run pmqa validate on it.")
    if left_out:
        raise typer.Exit(1)


def _need_pdf(has_workbook: bool, what: str) -> None:
    """--pdf prints workbooks: it needs one to print and LibreOffice to print it, checked
    before any scoring so that a long batch does not fail at its end."""
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.report.pdf import INSTALL_HINT, LibreOfficeMissingError, find_soffice

    if not has_workbook:
        raise UsageError(f"--pdf prints the feedback workbook: add {what}.")
    if find_soffice() is None:
        raise LibreOfficeMissingError(INSTALL_HINT)


def _check_batch_outputs(
    output: Path,
    json_path: Path | None,
    csv_dir: Path | None,
    feedback_dir: Path | None,
    paths: list[Path],
    files: list[Path],
    other_inputs: tuple[Path | None, ...],
    force: bool,
) -> None:
    """Every output of a batch, checked against its inputs before the first file is read."""
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.report.guard import Form, Target, check_outputs

    targets = [Target("-o", output, Form.WORKBOOK, Kind.RESULTS)]
    if json_path is not None:
        targets.append(Target("--json", json_path, Form.JSON))
    if csv_dir is not None:
        targets.append(Target("--csv", csv_dir, Form.CSV_FOLDER))
    if feedback_dir is not None:
        targets.append(Target("--feedback", feedback_dir, Form.FEEDBACK_FOLDER))
    check_outputs(
        targets,
        inputs=[*files, *_inputs(*other_inputs)],
        input_folders=[p for p in paths if p.is_dir()],
        force=force,
    )


def main() -> None:
    """Console-script entry point."""
    _portable_streams()
    app(prog_name="pmqa")


if __name__ == "__main__":  # pragma: no cover
    main()
