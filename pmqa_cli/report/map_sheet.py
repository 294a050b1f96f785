"""The maps of a round in its outputs: the แผนที่ sheet of results.xlsx (the executive summary's
second page), the small map on the executive summary itself, and PNG and SVG files for slides
and LINE messages.

A batch's maps are drawn in a process of their own (report/map_drawer.py, started before the
batch itself, so matplotlib is imported there while this process starts): :func:`draw_later`
hands it the round's maps as soon as the round's geography is known, and the results workbook
picks the pictures up when its tables are written (the process leaves them in the workbook's
scratch folder and ends as soon as it has drawn them).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmqa_cli.compare.geography import Geography
from pmqa_cli.report.guard import record_written
from pmqa_cli.report.map_drawer import MapDrawer
from pmqa_cli.report.map_small import summary_map_png
from pmqa_cli.report.maps import map_png, map_svg
from pmqa_cli.report.outputs import write_bytes_atomic
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "MAP_SHEET",
    "Drawn",
    "Maps",
    "draw_later",
    "map_parts",
    "write_map_files",
    "write_map_sheet",
]

MAP_SHEET = "แผนที่"
#: Each part's file name (``--maps DIR``) and the sheet's caption.
_FILES = {"overall": "map-overall", "pmqa": "map-pmqa", "results": "map-results",
          "change": "map-change"}  # fmt: skip

Maps = dict[str, bytes]  # part -> PNG


@dataclass(frozen=True)
class Drawn:
    """A round's pictures: the แผนที่ sheet's maps and the executive summary's small map (None
    when no office was placed on the map)."""

    maps: Maps = field(default_factory=dict)
    summary: bytes | None = None


def map_parts(geo: Geography, rubric: Rubric) -> list[str]:
    """The maps a round has: the overall score, categories 1-6, category 7 (a rubric that has
    it) and, with a previous result, the change."""
    parts = ["overall", "pmqa"]
    if rubric.indicators:
        parts.append("results")
    if geo.has_change:
        parts.append("change")
    return [p for p in parts if geo.national.mean(p) is not None]


def _draw(geo: Geography, rubric: Rubric, parts: Sequence[str], subtitle: str) -> Drawn:
    maps = {part: map_png(geo, rubric, part, subtitle=subtitle) for part in parts}
    return Drawn(maps, summary_map_png(geo, rubric))


def draw_later(
    drawer: MapDrawer,
    geo: Geography,
    rubric: Rubric,
    folder: Path,
    subtitle: str = "",
    *,
    last: bool = True,
) -> Callable[[], Drawn]:
    """Start drawing every map of the round (the แผนที่ sheet's and the executive summary's) in
    ``drawer``'s process, its pictures left in ``folder``; the returned function waits for them.
    With ``last`` the process then ends (else it is given more to draw after)."""
    parts = map_parts(geo, rubric)
    if not parts:
        if last:
            drawer.done()  # nothing more to draw: it ends once it has drawn what it was given
        return Drawn
    return drawer.start(_draw, geo, rubric, parts, subtitle, folder=folder, last=last)


# The sheet: a portrait A4 page per map. Excel and LibreOffice measure a column by the width of
# the default font's digits (TH Sarabun New, or the font that stands in for it), xlsxwriter by
# Calibri's, so a picture anchored across several columns is stretched in one of them. Each map
# sits inside one wide column instead, where its width is an offset in absolute units: 79
# characters is 14.8 cm by xlsxwriter's measure and at most 18.9 cm (the printable width) with a
# default font whose digits are 9 pixels wide. The map is drawn 14 x 17.5 cm, 44 rows of 14.4
# points (a set height, not the font's) make one page.
_COLUMN_CHARS = 79
_MAP_SCALE = 0.875  # of the 16 x 20 cm the map is drawn at
_ROWS_PER_PAGE = 44
_ROW_POINTS = 14.4


def write_map_sheet(ws: Any, maps: Maps) -> None:
    """Fill the แผนที่ sheet: one map per printed page (page setup and marks are the caller's)."""
    ws.set_default_row(_ROW_POINTS)
    ws.set_column(0, 0, _COLUMN_CHARS)
    ws.hide_gridlines(2)
    ws.set_portrait()
    if not maps:
        ws.write_string(0, 0, "ไม่มีแผนที่: ไม่มีหน่วยงานที่ประเมินได้")
        return
    for page, png in enumerate(maps.values()):
        ws.insert_image(page * _ROWS_PER_PAGE, 0, f"map-{page}.png", {
            "image_data": io.BytesIO(png), "x_offset": 8, "y_offset": 6,
            "x_scale": _MAP_SCALE, "y_scale": _MAP_SCALE, "object_position": 3,
        })  # fmt: skip
    # No fitting to pages (Excel ignores page breaks when it fits): at 100% a page holds a map.
    ws.set_h_pagebreaks([p * _ROWS_PER_PAGE for p in range(1, len(maps))])
    ws.print_area(0, 0, len(maps) * _ROWS_PER_PAGE - 1, 0)


def write_map_files(geo: Geography, rubric: Rubric, folder: Path, subtitle: str = "") -> list[Path]:
    """Every map of the round as PNG and SVG files in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for part in map_parts(geo, rubric):
        png = folder / f"{_FILES[part]}.png"
        write_bytes_atomic(png, map_png(geo, rubric, part, subtitle=subtitle))
        svg = folder / f"{_FILES[part]}.svg"
        write_bytes_atomic(svg, map_svg(geo, rubric, part, subtitle=subtitle).encode("utf-8"))
        written += [png, svg]
    record_written(folder, written)  # so the next run may replace them (report/guard.py)
    return written
