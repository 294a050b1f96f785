"""Rich rendering for the command layer: tables, trees and messages. No scoring logic here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from pmqa_cli.rubric import Method, OfficeType, Rubric, RubricError, RubricProblem

__all__ = [
    "err_console",
    "error",
    "out_console",
    "rubric_problems",
    "rubric_summary",
    "rubric_tree",
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
    table.add_row(
        "Indicators (category 7)",
        f"{len(rubric.indicators)} indicators across dimensions {', '.join(dimensions)}; "
        + ", ".join(f"{n} {m}" for m, n in sorted(methods.items())),
    )
    table.add_row("Issue weights", f"total {sum(i.weight for i in rubric.issues):g}")
    table.add_row("Indicator weights", _weights_line(rubric))
    weights = rubric.scoring.part_weights
    table.add_row("Parts", f"categories 1-6 {weights.pmqa:g}, category 7 {weights.results:g}")
    table.add_row("Rounding", f"{rubric.scoring.decimals} decimals, half-up")
    table.add_row("SHA-256", rubric.sha256)
    console.print(table)
    if warnings:
        console.print(f"[yellow]{len(warnings)} warning(s):[/]")
        console.print(_problem_lines(warnings))


def rubric_tree(rubric: Rubric) -> None:
    """The rubric as a tree."""
    console = out_console()
    root = Tree(
        f"[bold]{escape(rubric.title_th)}[/]\n{escape(rubric.id)} v{escape(rubric.version)}"
    )
    pmqa = root.add(f"[bold]PMQA 4.0 หมวด 1-6[/] (weight {rubric.scoring.part_weights.pmqa:g})")
    for category in sorted({i.category for i in rubric.issues}):
        cat_node = pmqa.add(f"หมวด {category}")
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
    results = root.add(
        f"[bold]หมวด 7 ผลลัพธ์การดำเนินการ[/] (weight {rubric.scoring.part_weights.results:g})"
    )
    for dimension in sorted({i.dimension for i in rubric.indicators}):
        dim_node = results.add(f"มิติ {dimension}")
        for ind in (i for i in rubric.indicators if i.dimension == dimension):
            if ind.method is Method.INTERPOLATE:
                how = f"thresholds {', '.join(f'{t:g}' for t in ind.thresholds or [])}"
            elif ind.method is Method.STEPS:
                how = "steps 1-5"
            else:
                how = "pass / fail"
            applies = "" if ind.applies_to == "both" else f", {ind.applies_to} only"
            na = ", N/A allowed" if ind.na_allowed else ""
            dim_node.add(
                f"[bold]{escape(ind.id)}[/] {escape(ind.title_th)} "
                f"[dim]({ind.unit}, {ind.direction.value} is better, {how}, "
                f"weight {ind.weight:g}{applies}{na})[/]"
            )
    console.print(root)
