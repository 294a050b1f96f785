"""The executive summary's map: a small choropleth of the overall score beside the top ten.

The provinces are coloured, outlined and grouped into regions exactly as on the แผนที่ sheet's
overall map (report/maps.py draws both: :func:`~pmqa_cli.report.maps.map_style` for the colours,
its province and region drawing for the shapes); only the layout is smaller: the country on the
left, a compact legend (each band, its range, and the grey of provinces without an office) in the
sea east of the peninsula, and the boundaries' source note under it. The region table and the
other parts' maps stay on the แผนที่ sheet. matplotlib is imported only when drawing.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, Any

from pmqa_cli.compare.geography import Geography
from pmqa_cli.report.maps import (
    BORDER,
    PNG_COMPRESSION,
    REGION_LINE,
    SMALL_FACES,
    TEXT_COLOUR,
    map_axes,
    map_style,
    province_paths,
    region_outlines,
    thai_font,
)
from pmqa_cli.rubric.model import Rubric

if TYPE_CHECKING:  # pragma: no cover - types only; matplotlib is imported when drawing
    from matplotlib.figure import Figure

__all__ = ["SUMMARY_MAP_CM", "SUMMARY_MAP_DPI", "summary_figure", "summary_map_png"]

#: The picture on the sheet (width, height in cm, before the page is fitted to A4): as wide as
#: the executive summary's columns E-I as LibreOffice lays them out (five columns of 8 units:
#: 8.7 points a unit, TH Sarabun New 16's digit, and 6 points of padding each; measured by
#: printing) and about as tall as the top ten beside it. Its text is the size of the page's own
#: (14 pt), so it prints at the size the tables do.
SUMMARY_MAP_CM = (13.3, 8.6)
SUMMARY_MAP_DPI = 160
_HEADING = 15.0
_LABEL = 14.0
_DETAIL = 12.5
_SOURCE = 10.0
_LEFT = 0.40  # where the legend starts (figure fraction): the country is left of it


def summary_map_png(geo: Geography, rubric: Rubric) -> bytes | None:
    """The overall score by province as a small PNG, or None when no office is on the map (no
    province was found for any office: there is nothing to show)."""
    if not geo.provinces:
        return None
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        if thai_font() is None:  # every Thai letter would warn; maps.py has said it once
            warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)
        fig = summary_figure(geo, rubric)
        fig.savefig(buffer, format="png", dpi=SUMMARY_MAP_DPI, metadata={"Software": "pmqa"},
                    pil_kwargs=PNG_COMPRESSION)  # fmt: skip
    return buffer.getvalue()


def summary_figure(geo: Geography, rubric: Rubric) -> Figure:
    """The small map as a matplotlib figure (its texts are what tests read)."""
    style = map_style(geo, rubric, "overall")
    from matplotlib.figure import Figure  # heavy: imported only when a map is drawn

    family = thai_font() or "DejaVu Sans"
    scale = 1.0 if family in SMALL_FACES else 0.8  # other fonts look larger at a size
    width, height = (cm / 2.54 for cm in SUMMARY_MAP_CM)
    fig = Figure(figsize=(width, height), facecolor="white")
    ax = map_axes(fig)
    ax.set_position((0.0, 0.0, _LEFT - 0.02, 1.0))  # the country fills the height, at the left
    province_paths(ax, geo, style, ())
    region_outlines(ax, geo)
    region_line = style.words["region line"] if geo.province_region else None
    _legend(fig, style.legend, family, scale, region_line)
    fig.text(_LEFT, 0.015, style.words["source"], family=family, size=_SOURCE * scale,
             color="#7F7F7F", va="bottom", gid="source")  # fmt: skip
    _fit(fig)
    return fig


def _legend(
    fig: Figure,
    legend: list[tuple[str, str, str]],
    family: str,
    scale: float,
    region_line: str | None,
) -> None:
    """The bands, highest first, each a colour box, its label and (smaller, after it) its range
    and how many provinces; the grey of provinces without an office; the region line when the
    registry gives regions (``region_line`` says what it is)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: drawing only
    from matplotlib.lines import Line2D  # heavy: drawing only
    from matplotlib.patches import Rectangle  # heavy: drawing only

    inches = float(fig.get_size_inches()[1])
    step = _LABEL * scale * 1.55 / 72 / inches  # a line, as a fraction of the height
    # A rubric with many bands: smaller lines, so the legend ends above the source note.
    lines = len(legend) + 1.5 + (1.3 if region_line is not None else 0)
    smaller = min(1.0, (0.975 - 0.08) / (lines * step))
    step, scale = step * smaller, scale * smaller
    box = 0.035  # the colour box's width (figure fraction)
    y = 0.975
    fig.text(_LEFT, y, "คะแนนรวมเฉลี่ยของจังหวัด", family=family,
             size=_HEADING * scale, weight="bold", color=TEXT_COLOUR, va="top")  # fmt: skip
    y -= step * 1.5
    label_x = _LEFT + box + 0.015
    rows, labels = [], []
    for colour, label, detail in legend:
        fig.add_artist(Rectangle((_LEFT, y - step * 0.85), box, step * 0.75,
                                 transform=fig.transFigure, facecolor=colour, edgecolor=BORDER,
                                 linewidth=0.6))  # fmt: skip
        labels.append(fig.text(label_x, y - step * 0.45, label, family=family,
                               size=_LABEL * scale, color=TEXT_COLOUR, va="center"))  # fmt: skip
        rows.append((y - step * 0.45, detail))
        y -= step
    # The ranges and counts in a column of their own, after the longest label.
    canvas: Any = FigureCanvasAgg(fig)  # matplotlib's canvas calls are not typed
    renderer = canvas.get_renderer()
    longest = max(t.get_window_extent(renderer).x1 for t in labels) / fig.bbox.width
    details = [
        fig.text(longest + 0.03, middle, detail, family=family, size=_DETAIL * scale,
                 color="#404040", va="center")
        for middle, detail in rows
    ]  # fmt: skip
    # All the same size: as large as the longest allows (a user's rubric may have long ones).
    room = (0.995 - longest - 0.03) * fig.bbox.width
    widest = max(t.get_window_extent(renderer).width for t in details)
    if widest > room:
        for item in details:
            item.set_fontsize(max(_DETAIL * scale * room / widest * 0.98, _DETAIL * scale / 2))
    if region_line is not None:
        y -= step * 0.3
        fig.add_artist(Line2D([_LEFT, _LEFT + box], [y - step * 0.45] * 2,
                              transform=fig.transFigure, color=REGION_LINE,
                              linewidth=1.6))  # fmt: skip
        fig.text(label_x, y - step * 0.45, region_line, family=family,
                 size=_LABEL * scale, color=TEXT_COLOUR, va="center")  # fmt: skip


def _fit(fig: Figure) -> None:
    """Make any text that would run past the picture's right edge smaller until it fits (a long
    band label from a user's rubric), down to half its size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: drawing only

    canvas: Any = FigureCanvasAgg(fig)  # matplotlib's canvas calls are not typed
    renderer = canvas.get_renderer()
    for item in fig.texts:
        extent = item.get_window_extent(renderer)  # every text here starts at its x
        room = fig.bbox.width * 0.995 - extent.x0
        if extent.x1 > fig.bbox.width * 0.995 and room > 0:
            size = float(item.get_fontsize())
            item.set_fontsize(max(size * room / extent.width * 0.98, size / 2))
