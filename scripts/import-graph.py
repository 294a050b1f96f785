#!/usr/bin/env python3
"""Draw pmqa_cli's import graph as docs/images/architecture.svg, read from the code.

Each layer of ``pmqa_cli.LAYERS`` is a band, the lowest (core) at the bottom, holding its
modules with their line counts; each arrow on the left is "a module of this layer imports one of
that layer", with how many modules do. The same graph is what tests/test_architecture.py holds
to the rules (0 circles, 0 arrows running up), so the picture can be regenerated at any time:

    python scripts/import-graph.py            # writes docs/images/architecture.svg
    python scripts/import-graph.py --check    # exit 1 if the picture is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pmqa_cli import LAYERS  # noqa: E402
from tests.architecture_graph import (  # noqa: E402
    PACKAGE,
    imports,
    layer_of,
    module_graph,
    strongly_connected,
)

TARGET = ROOT / "docs" / "images" / "architecture.svg"
WIDTH, LEFT, BOX_W, BOX_H, GAP, PER_ROW = 1040, 190, 128, 34, 8, 6
ROLE = {
    "core": "findings, exact numbers and the one rounding, Thai dates, the OS",
    "rubric": "the rubric's shape, its rules, its files, units",
    "io": "the safe xlsx reader, tables, values, layout, registry, marks",
    "assess": "read, validate, score: the one ScoredOffice; the batch",
    "verify": "committee verdicts, central data, corrections",
    "compare": "earlier rounds, breakdowns, the executive summary's data",
    "report": "everything pmqa writes",
    "cli": "typer and rich: parse, call, render",
}


def draw() -> str:
    found = list(imports())
    graph = module_graph(found)
    modules: dict[str, list[tuple[str, int]]] = {layer: [] for layer in LAYERS}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 2 and path.name != "__init__.py":
            lines = len(path.read_text(encoding="utf-8").splitlines())
            modules[parts[0]].append((path.stem, lines))
    arrows: Counter[tuple[str, str]] = Counter()
    for source, targets in graph.items():
        for target in {layer_of(t) for t in targets}:
            layer = layer_of(source)
            if layer and target and target != layer:
                arrows[(layer, target)] += 1
    order = list(reversed(LAYERS))  # cli on top
    tops: dict[str, tuple[float, float]] = {}
    y = 60.0
    out: list[str] = []
    for layer in order:
        rows = max(1, -(-len(modules[layer]) // PER_ROW))
        height = 34 + rows * (BOX_H + GAP)
        tops[layer] = (y, y + height)
        out.append(f'<rect x="{LEFT}" y="{y}" width="{WIDTH - LEFT - 10}" height="{height}" '
                   'rx="8" fill="#EEF3FA" stroke="#8EA9CF"/>')  # fmt: skip
        lines = sum(n for _, n in modules[layer])
        out.append(f'<text x="{LEFT + 10}" y="{y + 21}" class="layer">{layer}/</text>'
                   f'<text x="{LEFT + 90}" y="{y + 21}" class="role">{escape(ROLE[layer])} '
                   f'({lines:,} lines)</text>')  # fmt: skip
        for n, (name, count) in enumerate(modules[layer]):
            bx = LEFT + 10 + (n % PER_ROW) * (BOX_W + GAP)
            by = y + 30 + (n // PER_ROW) * (BOX_H + GAP)
            fill = "#FFFFFF" if count <= 600 else "#F8D7D7"
            out.append(f'<rect x="{bx}" y="{by}" width="{BOX_W}" height="{BOX_H}" rx="4" '
                       f'fill="{fill}" stroke="#B4C6E0"/>'
                       f'<text x="{bx + 6}" y="{by + 15}" class="mod">{escape(name)}</text>'
                       f'<text x="{bx + 6}" y="{by + 28}" class="lines">{count} lines</text>'
                       )  # fmt: skip
        y += height + 14
    # Arrows on the left, one lane per pair, from the importing layer down to the imported one.
    lanes = sorted(arrows, key=lambda p: (order.index(p[0]), order.index(p[1])))
    step = (LEFT - 30) / max(1, len(lanes))
    for lane, (source, target) in enumerate(lanes):
        x = 20 + lane * step
        y1 = (tops[source][0] + tops[source][1]) / 2
        y2 = tops[target][0] + 10
        upward = order.index(target) < order.index(source)
        colour = "#C0392B" if upward else "#5B7DB1"
        out.append(f'<path d="M {LEFT} {y1} H {x} V {y2} H {LEFT - 4}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.2" marker-end="url(#head)"/>'
                   f'<text x="{x + 2}" y="{(y1 + y2) / 2}" class="count">{arrows[(source, target)]}'
                   '</text>')  # fmt: skip
    height = y + 40
    upward = sum(1 for s, t in arrows if order.index(t) < order.index(s))
    circles = sum(1 for c in strongly_connected(graph) if len(c) > 1)
    count = sum(len(m) for m in modules.values())
    title = (
        f"pmqa_cli: {count} modules in {len(LAYERS)} layers; "
        f"{sum(arrows.values())} layer-to-layer arrows, {upward} running up, {circles} circles"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
            "<style>.layer{font-size:15px;font-weight:bold;fill:#1F3864}"
            ".role{font-size:12px;fill:#44546A}.mod{font-size:11px;fill:#1F1F1F}"
            ".lines{font-size:9px;fill:#7F7F7F}.count{font-size:9px;fill:#5B7DB1}"
            ".title{font-size:14px;fill:#1F1F1F}</style>",
            '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
            'markerHeight="6" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5B7DB1"/>'
            "</marker></defs>",
            f'<rect width="{WIDTH}" height="{height:.0f}" fill="white"/>',
            f'<text x="20" y="30" class="title">{escape(title)}</text>',
            '<text x="20" y="48" class="role">each arrow: a module of one layer imports a module '
            "of a lower one (number: how many importing modules); red would run up</text>",
            *out,
            "</svg>",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the picture is stale")
    args = parser.parse_args()
    svg = draw()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != svg:
            print(f"{TARGET} is out of date: run python scripts/import-graph.py")
            return 1
        return 0
    TARGET.write_text(svg, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
