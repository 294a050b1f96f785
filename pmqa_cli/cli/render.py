"""Rich rendering for the command layer: tables, trees and messages. No scoring logic here."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from pmqa_cli.assess.findings import Finding, Severity
from pmqa_cli.assess.normalize import plain
from pmqa_cli.assess.rounding import format_number
from pmqa_cli.portable import can_encode
from pmqa_cli.rubric.model import (
    Aggregation,
    Indicator,
    Method,
    OfficeType,
    RatioBand,
    Rubric,
    RubricError,
    RubricProblem,
)

if TYPE_CHECKING:
    from pmqa_cli.assess.batch import BatchResult
    from pmqa_cli.assess.submission import WorkbookReport
    from pmqa_cli.compare.comparison import Comparison
    from pmqa_cli.workbook.sample import PlantedMistake

__all__ = [
    "batch_summary",
    "comparison",
    "err_console",
    "error",
    "findings_table",
    "json_out",
    "out_console",
    "progress",
    "rubric_problems",
    "rubric_summary",
    "rubric_tree",
    "samples",
    "score",
    "validation",
    "written",
]


def out_console() -> Console:
    """The console for results (stdout). Created per call so tests can pin COLUMNS."""
    return Console(highlight=False)


def err_console() -> Console:
    """The console for messages and progress (stderr)."""
    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """Print a one-paragraph error on stderr."""
    err_console().print(f"[bold red]Error:[/] {escape(message)}")


def _problem_lines(problems: Iterable[RubricProblem]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("Severity")
    table.add_column("Where (YAML path)")
    table.add_column("Problem")
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(f"[{style}]{p.severity}[/]", escape(p.path or "(file)"), escape(p.message))
    return table


def rubric_problems(exc: RubricError) -> None:
    """Every problem of a broken rubric, with its YAML path."""
    console = out_console()
    errors = sum(1 for p in exc.problems if p.severity == "error")
    console.print(f"[bold red]The rubric {escape(exc.source)} has {errors} error(s).[/]")
    console.print(_problem_lines(exc.problems))
    console.print("Fix them in the YAML file (see docs/rubric-format.md) and run the check again.")


def _weights_line(rubric: Rubric) -> str:
    parts = []
    for office_type in OfficeType:
        total = sum(i.weight for i in rubric.indicators if i.applies(office_type))
        parts.append(f"{office_type.value} {total:g}")
    return ", ".join(parts)


def rubric_summary(rubric: Rubric, warnings: list[RubricProblem]) -> None:
    """The summary of a rubric that loaded cleanly."""
    console = out_console()
    categories = sorted({i.category for i in rubric.issues})
    dimensions = sorted({i.dimension for i in rubric.indicators})
    methods = Counter(i.method.value for i in rubric.indicators)
    console.print(
        f"[bold green]OK[/] {escape(rubric.id)} version {escape(rubric.version)} "
        f"(FY {rubric.fiscal_year}) {escape(rubric.title_en)}"
    )
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row(
        "Issues (categories 1-6)",
        f"{len(rubric.issues)} issues across categories "
        f"{', '.join(str(c) for c in categories)}; "
        f"{sum(1 for _ in rubric.criteria())} criteria",
    )
    if rubric.indicators:
        table.add_row(
            "Indicators (category 7)",
            f"{len(rubric.indicators)} indicators across dimensions {', '.join(dimensions)}; "
            + ", ".join(f"{n} {m}" for m, n in sorted(methods.items())),
        )
    else:
        table.add_row("Indicators (category 7)", "none: categories 1-6 only")
    table.add_row("Issue weights", f"total {sum(i.weight for i in rubric.issues):g}")
    if rubric.indicators:
        table.add_row("Indicator weights", _weights_line(rubric))
    table.add_row("Overall", aggregation_line(rubric))
    if rubric.scoring.target_ratio_bands:
        table.add_row("Target-ratio bands", bands_line(rubric.scoring.target_ratio_bands))
    table.add_row("Rounding", f"{rubric.scoring.decimals} decimals, half-up")
    table.add_row("SHA-256", rubric.sha256)
    console.print(table)
    if warnings:
        console.print(f"[yellow]{len(warnings)} warning(s):[/]")
        console.print(_problem_lines(warnings))


def aggregation_line(rubric: Rubric) -> str:
    """How the overall score is made, in one line."""
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        n = len(rubric.category_ids)
        cats = ", ".join(rubric.category_ids)
        seven = " (category 7 = mean of its dimensions)" if rubric.indicators else ""
        return (
            f"mean of {n} categories {cats}, each the mean of its items{seven}; "
            f"equal weights 1 each"
        )
    weights = rubric.scoring.part_weights
    if not rubric.indicators:
        return "categories 1-6 (weighted mean of the issues); no category 7"
    return f"weighted parts: categories 1-6 {weights.pmqa:g}, category 7 {weights.results:g}"


def bands_line(bands: list[RatioBand]) -> str:
    """Target-ratio bands in one line: "≤ 100 %: x 3; ≤ 101 %: 300; ...; above: 500"."""
    parts = []
    for band in bands:
        edge = f"≤ {band.up_to:g} %" if band.up_to is not None else "above"
        rule = f"x {band.multiply:g}" if band.multiply is not None else f"{band.score:g}"
        parts.append(f"{edge}: {rule}")
    return "; ".join(parts)


def _indicator_how(rubric: Rubric, ind: Indicator) -> str:
    if ind.method is Method.INTERPOLATE:
        return f"thresholds {', '.join(f'{t:g}' for t in ind.thresholds or [])}"
    if ind.method is Method.STEPS:
        return "steps 1-5"
    if ind.method is Method.TARGET_RATIO:
        target = "each office's own" if ind.target_from_workbook else f"{ind.target:g}"
        bands = "own bands" if ind.bands else "scoring bands"
        return f"target ratio, target {target}, {bands}"
    return "pass / fail"


def rubric_tree(rubric: Rubric) -> None:
    """The rubric as a tree."""
    console = out_console()
    root = Tree(
        f"[bold]{escape(rubric.title_th)}[/]\n{escape(rubric.id)} v{escape(rubric.version)}"
    )
    mean = rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN
    root.add(f"[dim]Overall: {escape(aggregation_line(rubric))}[/]")
    pmqa_weight = "" if mean else f" (weight {rubric.scoring.part_weights.pmqa:g})"
    pmqa = root.add(f"[bold]PMQA 4.0 หมวด 1-6[/]{pmqa_weight}")
    for category in sorted({i.category for i in rubric.issues}):
        cat_node = pmqa.add(f"หมวด {category}" + (" [dim](mean of its items)[/]" if mean else ""))
        for issue in (i for i in rubric.issues if i.category == category):
            issue_node = cat_node.add(
                f"[bold]{escape(issue.id)}[/] {escape(issue.title_th)} "
                f"[dim](weight {issue.weight:g}, max {rubric.issue_max(issue):g})[/]"
            )
            for tier in issue.tiers:
                default = rubric.tier_default(tier.id)
                tier_node = issue_node.add(
                    f"{escape(default.title_th)} / {escape(default.title_en)} "
                    f"[dim]({rubric.tier_points(tier):g} points)[/]"
                )
                for c in tier.criteria:
                    mark = " [dim](evidence required)[/]" if c.evidence_required else ""
                    tier_node.add(f"{escape(c.id)} {escape(c.text_th)}{mark}")
    if not rubric.indicators:
        console.print(root)
        return
    results_weight = (
        " (weight 1: the mean of its dimensions)"
        if mean
        else f" (weight {rubric.scoring.part_weights.results:g})"
    )
    results = root.add(f"[bold]หมวด 7 ผลลัพธ์การดำเนินการ[/]{results_weight}")
    if rubric.scoring.target_ratio_bands:
        results.add(
            f"[dim]Target-ratio bands: {escape(bands_line(rubric.scoring.target_ratio_bands))}[/]"
        )
    for dimension in sorted({i.dimension for i in rubric.indicators}):
        dim_node = results.add(f"มิติ {dimension}")
        for ind in (i for i in rubric.indicators if i.dimension == dimension):
            how = _indicator_how(rubric, ind)
            applies = "" if ind.applies_to == "both" else f", {ind.applies_to} only"
            na = ", N/A allowed" if ind.na_allowed else ""
            dim_node.add(
                f"[bold]{escape(ind.id)}[/] {escape(ind.title_th)} "
                f"[dim]({ind.unit}, {ind.direction.value} is better, {how}, "
                f"weight {ind.weight:g}{applies}{na})[/]"
            )
    console.print(root)


def json_out(data: Any) -> None:
    """Print JSON exactly as given, for machines: Thai text unescaped where the output stream
    can encode it, else as \\u escapes (still the same JSON, on a Windows code-page console)."""
    print(json.dumps(data, ensure_ascii=not can_encode(sys.stdout), indent=2))


def written(path: Path, what: str) -> None:
    """Say where an output went."""
    err_console().print(f"[green]Wrote[/] {escape(what)}: {escape(str(path))}")


def findings_table(findings: Sequence[Finding], *, show_file: bool = False) -> Table:
    """Findings as a table: where, what, and how to fix it (Thai, then English)."""
    table = Table(show_header=True, header_style="bold", expand=True)
    if show_file:
        table.add_column("File", overflow="fold", max_width=24)
    table.add_column("Sheet", overflow="fold", ratio=1)
    table.add_column("Cell", no_wrap=True)
    table.add_column("Item", overflow="fold")
    table.add_column("Code", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=5)
    for f in findings:
        style = {Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(f.severity, "cyan")
        row = [
            escape(f.sheet or ""),
            f.cell or "",
            escape(f.item_id or ""),
            f"[{style}]{f.code}[/]",
            f"{escape(f.message_th)}\n[dim]{escape(f.message_en)}[/]",
        ]
        if show_file:
            row.insert(0, escape(Path(f.file).name if f.file else ""))
        table.add_row(*row)
    return table


def validation(reports: Sequence[WorkbookReport]) -> None:
    """Findings of several submissions, then a one-line summary."""
    console = out_console()
    findings = [f for r in reports for f in r.findings]
    if findings:
        console.print(findings_table(findings, show_file=True))
    clean = sum(1 for r in reports if r.valid)
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    colour = "green" if clean == len(reports) else "red"
    console.print(
        f"[{colour}]{len(reports)} file(s): {clean} without errors, "
        f"{len(reports) - clean} with errors[/] ({errors} error(s), {warnings} warning(s))"
    )


def score(report: WorkbookReport) -> None:
    """One office's scores, then its findings."""
    console = out_console()
    sub, rubric, result = report.submission, report.rubric, report.result
    office = sub.office
    kind = office.type.abbrev_th if office.type else "ประเภทไม่ทราบ"
    console.print(
        f"[bold]{escape(office.code or '?')} {escape(office.name)}[/] ({kind}) "
        f"- {escape(sub.path.name)} - rubric {escape(rubric.id)} v{escape(rubric.version)}"
    )
    if result is None:
        console.print("[red]The workbook could not be read, so it was not scored.[/]")
    else:
        d = rubric.scoring.decimals
        issues = Table(title="PMQA 4.0 (หมวด 1-6)", header_style="bold", expand=True)
        for name in ("Issue", "Cat.", "Title", "Score", "Status"):
            issues.add_column(name, justify="right" if name == "Score" else "left")
        titles = {i.id: i.title_th for i in rubric.issues}
        for i in result.issues:
            issues.add_row(
                i.id, str(i.category), escape(titles[i.id]), format_number(i.score, d),
                escape(i.status_th),
            )  # fmt: skip
        console.print(issues)
        indicators = Table(title="ตัวชี้วัด (หมวด 7)", header_style="bold", expand=True)
        for name in ("Indicator", "Dim.", "Title", "Value", "Level", "Score"):
            numeric = name in ("Value", "Level", "Score")
            indicators.add_column(name, justify="right" if numeric else "left")
        for ind in result.indicators:
            title = rubric.indicator(ind.id).title_th
            value = "" if ind.value is None else plain(ind.value)
            if not ind.applies:
                shown = "N/A" if ind.not_applicable else "does not apply"
                indicators.add_row(ind.id, ind.dimension, escape(title), value, "", shown)
            else:
                indicators.add_row(
                    ind.id, ind.dimension, escape(title), value, format_number(ind.level, d),
                    format_number(ind.score, d),
                )  # fmt: skip
        if result.indicators:
            console.print(indicators)
        summary = Table(show_header=False, box=None)
        summary.add_column(style="bold")
        summary.add_column(justify="right")
        summary.add_column()
        summary.add_row("Categories 1-6", format_number(result.pmqa.score, d),
                        escape(result.status.label_th) if result.status else "")  # fmt: skip
        if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            for category in result.categories:
                summary.add_row(
                    f"  หมวด {category.id}",
                    format_number(category.score, d),
                    "",
                )  # the overall is their mean
        if rubric.indicators:
            summary.add_row("Category 7", format_number(result.results.score, d), "")
        summary.add_row("Overall", format_number(result.overall, d),
                        escape(result.band.label_th) if result.band else "")  # fmt: skip
        console.print(summary)
    if report.findings:
        console.print(findings_table(report.findings))
    colour = "green" if report.valid else "red"
    console.print(f"[{colour}]{report.errors} error(s), {report.warnings} warning(s)[/]")


def samples(out: Path, count: int, planted: Sequence[PlantedMistake]) -> None:
    """What `pmqa sample` wrote and the mistakes it planted."""
    console = out_console()
    console.print(f"Wrote {count} sample submission(s) to {escape(str(out))}")
    if planted:
        table = Table(title="Planted mistakes", header_style="bold")
        for name in ("File", "Mistake", "Item", "Expected finding"):
            table.add_column(name)
        for p in planted:
            table.add_row(
                p.file, p.kind, escape(p.item_id), p.expected_code or "(none: read as is)"
            )
        console.print(table)


@contextmanager
def progress(total: int) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr for a terminal (count, rate, time left); plain lines otherwise."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = err_console()
    if console.is_terminal:
        bar = Progress(
            TextColumn("Scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        task = bar.add_task("score", total=total, rate="")
        with bar:

            def tick(done: int, all_files: int, path: str) -> None:
                elapsed = bar.tasks[0].elapsed or 0
                rate = f"{done / elapsed:.1f} files/s" if elapsed else ""
                bar.update(task, completed=done, rate=rate)

            yield tick
        return
    step = max(1, total // 10)

    def plain(done: int, all_files: int, path: str) -> None:
        if done % step == 0 or done == all_files:
            console.print(f"scored {done}/{all_files}", highlight=False)

    yield plain


def batch_summary(batch: BatchResult, written: Sequence[Path]) -> None:
    """The closing summary of a batch."""
    console = out_console()
    counts = batch.counts()
    table = Table(title="Batch summary", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("Scored, no errors", counts["scored_clean"], "green"),
        ("Scored with errors", counts["scored_with_errors"], "red"),
        ("Unreadable", counts["unreadable"], "red"),
        ("Duplicate files", counts["duplicates"], "yellow"),
        ("Missing offices", counts["missing"], "yellow"),
        ("Other files passed over", counts["skipped"], "dim"),
        ("pmqa's own outputs passed over", counts["pmqa_outputs_skipped"], "dim"),
    ]
    for label, value, style in rows:
        table.add_row(label, f"[{style}]{value}[/]" if value else "0")
    console.print(table)
    if batch.outputs_skipped:
        console.print(
            f"[dim]Not read as submissions ({len(batch.outputs_skipped)}): results and feedback "
            "workbooks pmqa wrote itself, e.g. "
            f"{escape(Path(batch.outputs_skipped[0]).name)}[/]"
        )
    conflicts = {d.code for d in batch.duplicates if d.copy_of is None and not d.chosen}
    for duplicate in batch.duplicates:
        if duplicate.chosen and duplicate.code in conflicts:
            console.print(
                f"[yellow]Office {escape(duplicate.code)} sent different files; scored "
                f"{escape(Path(duplicate.path).name)} (latest submission date in the workbook, "
                "then file name). Its result is provisional until the others are removed.[/]"
            )
    provisional = [f for f in batch.scored if f.provisional]
    if provisional:
        from pmqa_cli.assess.batch import PROVISIONAL

        console.print(
            f"[yellow]{len(provisional)} provisional result(s) (marked ผลเบื้องต้น in the summary):[/]"
        )
        for f in provisional[:10]:
            reasons = ", ".join(PROVISIONAL[r][1] for r in f.provisional)
            rank = f"rank {f.rank}" if f.rank is not None else "not ranked"
            console.print(f"  {escape(f.office.code or Path(f.path).name)}: {rank}; {reasons}")
        if len(provisional) > 10:
            console.print(f"  ... and {len(provisional) - 10} more")
    for path in written[:5]:
        console.print(f"Wrote {escape(str(path))}")
    if len(written) > 5:
        console.print(f"... and {len(written) - 5} more files")


def comparison(found: Comparison) -> None:
    """What changed since each earlier result: offices, national means, most improved; then the
    problems found in the files compared."""
    console = out_console()
    for r in found.rounds:
        table = Table(
            title=f"{escape(found.current.label)} compared with {escape(r.label)}",
            show_header=False,
            box=None,
        )
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("Offices in both", str(len(r.both)))
        table.add_row(f"Only in {escape(found.current.label)}", str(len(r.only_current)))
        table.add_row(f"Only in {escape(r.label)}", str(len(r.only_previous)))
        for m in r.means[:3]:
            change = "" if m.change is None else f"{m.change:+}"
            table.add_row(f"Change in mean {escape(m.label)}", change)
        console.print(table)
        if r.unmatched_items:
            console.print(
                f"[yellow]No earlier counterpart (compared only through overall and parts): "
                f"{escape(', '.join(r.unmatched_items))}[/]"
            )
        improved = r.improved.get("รวม", [])[:3]
        if improved:
            listed = ", ".join(
                f"{escape(o.office.name or o.code)} ({o.change():+})" for o in improved
            )
            console.print(f"Most improved: {listed}")
    problems = found.findings
    if problems:
        console.print(findings_table(problems, show_file=True))
