"""Province maps of Thailand: each province coloured by the band of its offices' mean score, or by
the mean change since the previous result; region outlines; a table of region means beside it.

matplotlib draws (Agg, no pyplot, no window); it is heavy, so it is imported only inside the
drawing functions. The numbers come from compare/geography.py, exact; a mean becomes a float only
to pick a colour on the change map. Bands are chosen from the Decimal mean with the rubric's own
rule (assess.scoring.band_for). The same input gives the same PNG and SVG bytes.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pmqa_cli.assess.scoring import band_for
from pmqa_cli.compare.geography import MAP_PARTS, UNKNOWN_REGION, Geography
from pmqa_cli.core.numbers import Shown, format_number, show_number
from pmqa_cli.report.map_words import MAP_WORDS
from pmqa_cli.rubric.model import Band, Rubric

if TYPE_CHECKING:  # pragma: no cover - types only; matplotlib is imported when drawing
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BORDER",
    "HIGHLIGHT",
    "MAP_SIZE_CM",
    "NO_OFFICE",
    "REGION_LINE",
    "SMALL_FACES",
    "TEXT_COLOUR",
    "MapStyle",
    "band_colours",
    "map_axes",
    "map_png",
    "map_style",
    "map_svg",
    "province_paths",
    "region_outlines",
    "thai_font",
    "warm_up",
]

#: The map's size on paper: a region of an A4 page (width, height in centimetres).
MAP_SIZE_CM = (16.0, 20.0)
NO_OFFICE = "#D9D9D9"  # provinces without an office (or without that score)
BORDER = "#8C8C8C"
REGION_LINE = "#1A1A1A"
HIGHLIGHT = "#7030A0"
TEXT_COLOUR = "#262626"
# The workbooks' score colour scale (report/tables.py: red 0, yellow 300, green 500): the bands
# take colours along it, lowest band red, highest green, so a map reads like the tables.
_SCALE = ("#F8696B", "#FFEB84", "#63BE7B")
# Thai fonts, best first: what users have on Windows, then the Linux Thai fonts (TLWG, Noto).
_THAI_FONTS = (
    "TH Sarabun New", "TH SarabunPSK", "Sarabun", "Laksaman", "Garuda", "Loma", "Noto Sans Thai",
    "Noto Sans Thai UI", "Waree", "Umpush", "Kinnari", "Norasi", "Tlwg Typo",
)  # fmt: skip
SMALL_FACES = {"TH Sarabun New", "TH SarabunPSK", "Sarabun", "Laksaman"}  # small x-height


@lru_cache(maxsize=1)
def thai_font() -> str | None:
    """The installed Thai font the maps use (TH Sarabun New first), or None when there is none:
    Thai text would then show as boxes; install fonts-tlwg-laksaman or TH Sarabun New."""
    from matplotlib import font_manager  # heavy: imported only when a map is drawn

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in _THAI_FONTS if name in installed), None)


def warm_up() -> None:
    """Import what drawing a map needs and load its font, so the first map is as quick as the
    rest (a drawing process does this while the batch scores: report/map_sheet.py)."""
    import matplotlib.collections  # heavy: every module a map draws with, imported here
    import matplotlib.colors  # heavy: as above
    import matplotlib.lines  # heavy: as above
    import matplotlib.patches  # noqa: F401  # heavy: as above
    from matplotlib.figure import Figure  # heavy: imported only when a map is drawn

    font = thai_font()
    fig = Figure(figsize=(0.5, 0.5))
    fig.text(0, 0, "0", family=font or "sans-serif")  # loads the font file once
    fig.savefig(io.BytesIO(), format="png", dpi=10)


def band_colours(bands: Sequence[Band]) -> list[str]:
    """One colour per band, evenly along the workbooks' red-yellow-green score scale."""
    if len(bands) == 1:
        return [_SCALE[-1]]
    colours = []
    for index in range(len(bands)):
        position = index / (len(bands) - 1) * 2  # 0..2 across the three anchor colours
        low = min(int(position), 1)
        colours.append(_mix(_SCALE[low], _SCALE[low + 1], position - low))
    return colours


def _mix(a: str, b: str, t: float) -> str:
    channels = (
        round(int(a[i : i + 2], 16) * (1 - t) + int(b[i : i + 2], 16) * t) for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02X}" for c in channels)


@dataclass(frozen=True)
class MapStyle:
    """What one map shows: the part, its title and the colour of each province."""

    part: str
    title: str
    subtitle: str
    fills: dict[str, str]  # province code -> colour
    legend: list[tuple[str, str, str]]  # colour, Thai label, detail (range, provinces)
    values: dict[str, Decimal | None]  # region name (and the country) -> mean shown in the table
    limit: Decimal | None = None  # the change map's colour scale runs -limit .. +limit
    words: Mapping[str, str] = field(default_factory=lambda: MAP_WORDS["th"])


def _band_ranges(bands: Sequence[Band], words: Mapping[str, str]) -> list[str]:
    """Each band's range in words: ต่ำกว่า 250, 250 ถึงต่ำกว่า 300, ..., 450 ขึ้นไป."""

    def edge(value: Decimal) -> str:
        return format(value.normalize(), "f")

    ranges = []
    for index, band in enumerate(bands):
        if index + 1 < len(bands):
            upper = edge(bands[index + 1].min)
            key = "below" if index == 0 else "between"
            ranges.append(words[key].format(lower=edge(band.min), upper=upper))
        else:
            ranges.append(words["above"].format(lower=edge(band.min)))
    return ranges


def _bands(rubric: Rubric, part: str) -> list[Band]:
    """The bands a part is coloured by: PMQA 4.0 statuses for categories 1-6, else the overall
    bands (category 7 is on the same 0-500 scale as the overall score)."""
    scoring = rubric.scoring
    return list(scoring.pmqa_status_bands if part == "pmqa" else scoring.overall_bands)


def _count(words: Mapping[str, str], count: int) -> str:
    """n provinces (one province)."""
    return words["province" if count == 1 else "provinces"].format(count=count)


def _nice_limit(largest: Decimal) -> Decimal:
    """The change scale's end: the largest |change| rounded up to a round number (1, 1.5, 2, 2.5,
    3, 4, 5, 6 or 8 x 10^n), so the ticks at the half-way points are round too."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(10) ** (largest.adjusted())
    for step in (1, Decimal("1.5"), 2, Decimal("2.5"), 3, 4, 5, 6, 8, 10):
        if largest <= power * step:
            return power * step
    return power * 10  # pragma: no cover - the loop always returns


def _change_colour(value: Decimal, limit: Decimal) -> str:
    """A colour on a red (fell) - white - blue (rose) scale; the float is only for the colour."""
    t = max(-1.0, min(1.0, float(value / limit)))
    return _mix("#FFFFFF", "#2166AC" if t > 0 else "#B2182B", abs(t))


def map_style(
    geo: Geography, rubric: Rubric, part: str, subtitle: str = "", lang: str = "th"
) -> MapStyle:
    """The colours, legend and region values of one map (no drawing: testable on its own)."""
    if lang not in MAP_WORDS:
        raise ValueError(f"lang must be th or en, not {lang!r}")
    words = MAP_WORDS[lang]
    if part not in MAP_PARTS:
        raise ValueError(f"part must be one of {', '.join(MAP_PARTS)}, not {part!r}")
    if part == "change" and not geo.has_change:
        raise ValueError("the change map needs the previous result (geography(previous=...))")
    values = {r.name_th: r.mean(part) for r in geo.regions} | {
        geo.national.name_th: geo.national.mean(part)
    }
    means = {pcode: area.mean(part) for pcode, area in geo.provinces.items()}
    fills = {p.pcode: NO_OFFICE for p in geo.boundaries.provinces}
    if part == "change":
        shown = [abs(v) for v in means.values() if v is not None]
        limit = _nice_limit(max(shown, default=Decimal(0)))
        for pcode, value in means.items():
            if value is not None:
                fills[pcode] = _change_colour(value, limit)
        missing = sum(1 for colour in fills.values() if colour == NO_OFFICE)
        detail = f"{words['no change detail']} · {_count(words, missing)}"
        legend = [(NO_OFFICE, words["no change"], detail)]
        return MapStyle(part, words[part], subtitle, fills, legend, values, limit, words)
    bands = _bands(rubric, part)
    colours = band_colours(bands)
    counts = [0] * len(bands)
    for pcode, value in means.items():
        band = band_for(bands, value)
        if band is not None:
            index = next(i for i, b in enumerate(bands) if b is band)
            fills[pcode] = colours[index]
            counts[index] += 1
    legend = [
        (colour, b.label_th if lang == "th" else b.label_en,
         f"{words_} · {_count(words, count)}")
        for b, colour, count, words_ in zip(bands, colours, counts, _band_ranges(bands, words),
                                            strict=True)
    ][::-1]  # highest band first, as a reader scans a legend  # fmt: skip
    missing = sum(1 for colour in fills.values() if colour == NO_OFFICE)
    legend.append((NO_OFFICE, words["no office"], _count(words, missing)))
    return MapStyle(part, words[part], subtitle, fills, legend, values, None, words)


def province_paths(ax: Axes, geo: Geography, style: MapStyle, highlight: tuple[str, ...]) -> None:
    from matplotlib.patches import PathPatch  # heavy: imported only when a map is drawn
    from matplotlib.path import Path as MplPath

    for province in geo.boundaries.provinces:
        vertices: list[tuple[float, float]] = []
        codes: list[Any] = []  # Path codes (numpy uint8)
        for ring in province.rings:
            vertices += ring
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
        patch = PathPatch(
            MplPath(vertices, codes),
            facecolor=style.fills[province.pcode],
            edgecolor=BORDER,
            linewidth=0.35,
            gid=f"province-{province.pcode}",
        )
        # add_artist, not add_patch: the axes' limits are fixed (map_axes), and add_patch would
        # work out each province's extent for them anyway (a sixth of drawing a map).
        ax.add_artist(patch)
    for pcode in highlight:
        for ring in geo.boundaries.get(pcode).rings:
            xs, ys = zip(*ring, strict=True)
            ax.plot(xs, ys, color=HIGHLIGHT, linewidth=2.2, zorder=4,  # over region outlines
                    gid=f"highlight-{pcode}")  # fmt: skip


def region_outlines(ax: Axes, geo: Geography) -> None:
    from matplotlib.collections import LineCollection  # heavy: imported only when drawing

    outlines = LineCollection(
        geo.region_lines(),
        colors=REGION_LINE,
        linewidths=1.3,
        capstyle="round",
        joinstyle="round",
        gid="region-outlines",
    )
    ax.add_collection(outlines)


def map_axes(
    fig: Figure, position: tuple[float, float, float, float] = (0.01, 0.05, 0.60, 0.86)
) -> Axes:
    """Axes holding Thailand at its shape (a degree of longitude is shorter than one of latitude),
    against the figure's left and bottom: the legend and tables go in the sea to the east."""
    ax = fig.add_axes(position)
    ax.set_xlim(97.2, 105.8)
    ax.set_ylim(5.4, 20.6)
    ax.set_aspect(1 / math.cos(math.radians(13)))  # degrees of longitude are shorter than latitude
    ax.set_anchor("SW")  # against the left and the bottom: the region table sits in the sea
    ax.set_axis_off()
    return ax


@dataclass(frozen=True)
class _Text:
    """Font family and sizes (points) for one map."""

    family: str
    title: float
    body: float
    small: float

    @staticmethod
    def choose() -> _Text:
        family = thai_font()
        if family is None:
            warnings.warn(
                "No Thai font is installed, so Thai text on the maps shows as boxes; install "
                "TH Sarabun New or fonts-tlwg-laksaman.",
                RuntimeWarning,
                stacklevel=3,
            )
            return _Text("DejaVu Sans", 11, 7.5, 6.5)
        scale = 1.0 if family in SMALL_FACES else 0.8
        return _Text(family, 16 * scale, 11 * scale, 9 * scale)


_TWO_LINE_ENTRIES = 7  # legend entries (bands and "no office") that fit on two lines each


def _line_height(fig: Figure, points: float) -> float:
    """A line of text this size, as a fraction of the figure's height."""
    return points * 1.55 / 72 / float(fig.get_size_inches()[1])


def _legend(
    fig: Figure, style: MapStyle, text: _Text, highlight: str, regions: bool, top: float
) -> float:
    """The legend in the right-hand column; returns where it ends (figure fraction). Region
    lines are explained only when the registry gives regions (else they are only the coast)."""
    from matplotlib.patches import Rectangle  # heavy: imported only when a map is drawn

    step = _line_height(fig, text.body)
    x = 0.625
    heading = style.words["legend change" if style.part == "change" else "legend"]
    fig.text(x, top, heading, family=text.family, size=text.body, weight="bold", color=TEXT_COLOUR,
             va="top")  # fmt: skip
    y = top - step * 1.3
    if style.limit is not None:
        y = _colour_bar(fig, style.limit, text, x, y)
    # Two lines an entry (the label, then range and count); one line when a rubric has so many
    # bands that two would run into the region table.
    two = len(style.legend) <= _TWO_LINE_ENTRIES
    for colour, label, detail in style.legend:
        top_, height = (1.45, 1.3) if two else (0.75, 0.6)
        box = Rectangle((x, y - step * top_), 0.035, step * height, transform=fig.transFigure,
                        facecolor=colour, edgecolor=BORDER, linewidth=0.5)  # fmt: skip
        fig.add_artist(box)
        fig.text(x + 0.045, y - step * 0.45, label if two else f"{label} · {detail}",
                 family=text.family, size=text.small, color=TEXT_COLOUR, va="center")  # fmt: skip
        if two:
            fig.text(x + 0.045, y - step * 1.2, detail, family=text.family,
                     size=text.small * 0.9, color="#595959", va="center")  # fmt: skip
        y -= step * (1.75 if two else 1.0)
    lines = [(REGION_LINE, 1.3, style.words["region line"])] if regions else []
    if highlight:
        lines.append((HIGHLIGHT, 2.2, style.words["highlight"].format(names=highlight)))
    for colour, width, label in lines:
        fig.add_artist(_sample_line(fig, x, y - step * 0.45, colour, width))
        fig.text(x + 0.045, y - step * 0.45, label, family=text.family, size=text.small,
                 color=TEXT_COLOUR, va="center")  # fmt: skip
        y -= step
    return y


def _sample_line(fig: Figure, x: float, y: float, colour: str, width: float) -> Any:
    from matplotlib.lines import Line2D  # heavy: imported only when a map is drawn

    return Line2D([x, x + 0.035], [y, y], transform=fig.transFigure, color=colour,
                  linewidth=width)  # fmt: skip


def _colour_bar(fig: Figure, limit: Decimal, text: _Text, x: float, y: float) -> float:
    """The change map's scale: red (fell) through white to blue (rose), -limit .. +limit."""
    from matplotlib.colors import LinearSegmentedColormap, Normalize  # heavy: drawing only

    height = _line_height(fig, text.body) * 0.8
    ax = fig.add_axes((x, y - height, 0.33, height))
    scale = LinearSegmentedColormap.from_list("pmqa-change", ["#B2182B", "#FFFFFF", "#2166AC"])
    end = float(limit)
    ax.imshow([[i / 100 for i in range(101)]], cmap=scale, norm=Normalize(0, 1), aspect="auto",
              extent=(-end, end, 0, 1))  # fmt: skip
    ticks = [-limit, -limit / 2, Decimal(0), limit / 2, limit]
    ax.set_xticks([float(t) for t in ticks])
    ax.set_xticklabels([_signed(t) for t in ticks], family=text.family, size=text.small)
    ax.set_yticks([])
    ax.tick_params(length=2, pad=1, colors=TEXT_COLOUR)
    return y - height - _line_height(fig, text.small) * 2.2


def _signed(value: Decimal, decimals: int | None = None) -> str:
    if decimals is not None:
        return show_number(value, Shown.CHANGE, decimals)
    shown = format(value.normalize(), "f")
    return f"+{shown}" if value > 0 else shown


_TABLE_ROOM = 0.34  # figure height free in the sea east of the peninsula, from y = 0.06
_LONGEST_NAME = 24  # characters of a region's name before it is cut with "…"


_THAI_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a" + "".join(
    chr(c) for c in range(0x0E47, 0x0E4F)))  # fmt: skip


def _shorten(name: str, longest: int) -> str:
    """A long name cut in the middle ("เขตตรวจราชการ…ที่ 12"), keeping its start and its end
    (where a number that tells regions apart usually is), never between a letter and its mark."""
    if len(name) <= longest:
        return name
    head, tail = longest * 3 // 5, longest * 2 // 5
    while head > 1 and name[head] in _THAI_MARKS:
        head -= 1
    start = len(name) - tail
    while start < len(name) - 1 and name[start] in _THAI_MARKS:
        start += 1
    return f"{name[:head]}…{name[start:]}"


def _table_cells(geo: Geography, style: MapStyle) -> list[tuple[str, str, str]]:
    """region, offices, mean: one row per region, the country last."""

    def shown(value: Decimal | None) -> str:
        if value is None:
            return "-"
        if style.part == "change":
            return _signed(value, geo.decimals)
        return format_number(value, geo.decimals)

    rows = []
    # Without any region in the registry, the table is the country alone.
    regions = [] if [r.key for r in geo.regions] == [UNKNOWN_REGION] else geo.regions
    for area in (*regions, geo.national):
        if area is geo.national:
            name = style.words["national"]
        elif area.key == UNKNOWN_REGION:
            name = style.words["unknown region"]
        else:
            name = _shorten(area.name_th, _LONGEST_NAME)
        # The count is of the offices behind the mean (on the change map: those in both rounds).
        rows.append((name, str(area.scores[style.part].count), shown(area.mean(style.part))))
    return rows


def _region_table(fig: Figure, geo: Geography, style: MapStyle, text: _Text) -> None:
    """The region means in the sea east of the peninsula: region, offices, mean. A registry with
    many regions gets smaller type, and beyond that the first regions and a line saying how many
    more (the workbook's tables list them all)."""
    *rows, national = _table_cells(geo, style)
    base = _line_height(fig, text.body)
    scale = max(0.7, min(1.0, _TABLE_ROOM / (base * (len(rows) + 3.3))))
    step = base * scale
    fits = int(_TABLE_ROOM / step - 3.3)
    if len(rows) > fits:
        rows = [*rows[: fits - 1], (style.words["more"].format(count=len(rows) - fits + 1), "", "")]
    small, body = text.small * scale, text.body * scale
    columns = (0.42, 0.80, 0.985)  # region (left), offices (right), mean (right)
    aligns = ("left", "right", "right")
    heading = style.words["table change" if style.part == "change" else "table"]
    y = 0.06 + step * (len(rows) + 3.3)
    fig.text(columns[0], y, heading, family=text.family, size=body, weight="bold",
             color=TEXT_COLOUR, va="top")  # fmt: skip
    y -= step * 1.2
    labels = (style.words["region"], style.words["offices"], style.words["mean"])
    for label, x, align in zip(labels, columns, aligns, strict=True):
        fig.text(x, y, label, family=text.family, size=small, color="#595959", va="top",
                 ha=align)  # fmt: skip
    y -= step * 1.05
    for index, cells in enumerate([*rows, national]):
        last = index == len(rows)
        if index == 0 or last:
            fig.add_artist(_rule(columns[0], columns[2], y + step * 0.1))
        for cell, x, align in zip(cells, columns, aligns, strict=True):
            fig.text(x, y, cell, family=text.family, size=small, color=TEXT_COLOUR, va="top",
                     ha=align, weight="bold" if last else "normal")  # fmt: skip
        y -= step


def _rule(left: float, right: float, y: float) -> Any:
    from matplotlib.lines import Line2D  # heavy: imported only when a map is drawn

    return Line2D([left, right], [y, y], color="#A6A6A6", linewidth=0.6)


def _figure(
    geo: Geography,
    rubric: Rubric,
    part: str,
    title: str | None,
    subtitle: str,
    highlight: str | Sequence[str] | None,
    size_cm: tuple[float, float],
    lang: str = "th",
) -> Figure:
    from matplotlib.figure import Figure  # heavy: imported only when a map is drawn

    style = map_style(geo, rubric, part, subtitle, lang)
    chosen = (highlight,) if isinstance(highlight, str) else tuple(highlight or ())
    provinces = [geo.boundaries.get(pcode) for pcode in chosen]  # KeyError: an unknown code
    names = (
        ", ".join(p.name_en for p in provinces)
        if lang == "en"
        else " ".join(p.name_th for p in provinces)
    )
    text = _Text.choose()
    fig = Figure(figsize=(size_cm[0] / 2.54, size_cm[1] / 2.54), facecolor="white")
    ax = map_axes(fig)
    province_paths(ax, geo, style, chosen)
    region_outlines(ax, geo)
    _titles(fig, title or style.title, subtitle, text)
    _legend(fig, style, text, names, bool(geo.province_region), 0.88)
    _region_table(fig, geo, style, text)
    note = style.words["source"]
    if text.family == "DejaVu Sans":
        note += " (no Thai font installed: Thai text cannot be shown)"
    fig.text(0.01, 0.012, note, family=text.family, size=text.small * 0.9, color="#7F7F7F")
    _fit_texts(fig)
    return fig


def _titles(fig: Figure, title: str, subtitle: str, text: _Text) -> None:
    """The title (on two lines, a little smaller, when one line is too wide) and the subtitle."""
    item = fig.text(0.5, 0.985, title, family=text.family, size=text.title, weight="bold",
                    color=TEXT_COLOUR, ha="center", va="top", linespacing=1.15)  # fmt: skip
    if _too_wide(fig, item) > 1 and " " in title.strip():
        words = title.split()
        half = len(title) / 2
        cut = min(range(1, len(words)), key=lambda n: abs(len(" ".join(words[:n])) - half))
        item.set_text(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))
        item.set_fontsize(text.title * 0.85)
    if subtitle:
        lines = item.get_text().count("\n") + 1
        below = 0.985 - _line_height(fig, float(item.get_fontsize())) * (lines * 0.8 + 0.25)
        fig.text(0.5, below, subtitle, family=text.family, size=text.body, color="#595959",
                 ha="center", va="top")  # fmt: skip


def _too_wide(fig: Figure, item: Any, margin: float = 0.006) -> float:
    """How many times wider than its room a text is (above 1: it runs past the edge)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: drawing only

    canvas: Any = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    x = item.get_position()[0]
    room = {"center": 1 - 2 * margin, "left": 1 - margin - x, "right": x - margin}
    allowed = room[item.get_horizontalalignment()] * fig.bbox.width
    drawn: float = item.get_window_extent(canvas.get_renderer()).width
    return drawn / allowed if allowed > 0 else 1.0


def _fit_texts(fig: Figure) -> None:
    """Shrink any text that would run past the picture's left or right edge (a long title, a
    long band label from a user's rubric) until it fits, down to half its size."""
    for item in fig.texts:
        ratio = _too_wide(fig, item) if item.get_text() else 0
        if ratio > 1:
            size = float(item.get_fontsize())
            item.set_fontsize(max(size / ratio * 0.98, size / 2))


#: zlib's level for the maps' PNG (Pillow's default is 6): a round's four pictures a tenth quicker
#: (0.36 s against 0.40 s, 245 samples), 5 % larger, the same pixels (PNG is lossless).
PNG_COMPRESSION = {"compress_level": 3}


def _render(fmt: str, dpi: int, *args: Any) -> bytes:
    """Draw (``_figure(*args)``) and save: same input, same bytes (no date, a fixed hash salt for
    the SVG's ids, glyphs as paths so the SVG shows Thai on any computer, with or without the
    font)."""
    from matplotlib import rc_context  # heavy: imported only when a map is drawn

    metadata: dict[str, str | None] = (
        {"Software": "pmqa"} if fmt == "png" else {"Date": None, "Creator": "pmqa"}
    )
    buffer = io.BytesIO()
    with rc_context({"svg.hashsalt": "pmqa", "svg.fonttype": "path"}), warnings.catch_warnings():
        if thai_font() is None:  # every Thai letter would warn: _Text.choose said it once
            warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        png: dict[str, Any] = {"pil_kwargs": PNG_COMPRESSION} if fmt == "png" else {}
        _figure(*args).savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, **png)
    return buffer.getvalue()


def map_png(
    geo: Geography,
    rubric: Rubric,
    part: str = "overall",
    *,
    title: str | None = None,
    subtitle: str = "",
    highlight: str | Sequence[str] | None = None,
    dpi: int = 180,
    size_cm: tuple[float, float] = MAP_SIZE_CM,
    lang: str = "th",
) -> bytes:
    """A map as PNG bytes (16 x 20 cm at 180 dpi by default: 1133 x 1417 pixels).

    ``part`` is one of MAP_PARTS: overall, pmqa, results (coloured by the rubric's bands) or
    change (needs ``geography(..., previous=...)``). ``subtitle`` is shown under the title (the
    round, e.g. "ปีงบประมาณ 2567"); ``highlight`` one or more province codes outlined and named
    in the legend, for an office's own feedback: ``geo.office_provinces[office.code]``.
    ``size_cm`` scales the map; the layout is made for its 4:5 shape (portrait). ``lang`` th or
    en: every word of the map in that language (region names stay as the registry has them)."""
    return _render("png", dpi, geo, rubric, part, title, subtitle, highlight, size_cm, lang)


def map_svg(
    geo: Geography,
    rubric: Rubric,
    part: str = "overall",
    *,
    title: str | None = None,
    subtitle: str = "",
    highlight: str | Sequence[str] | None = None,
    size_cm: tuple[float, float] = MAP_SIZE_CM,
    lang: str = "th",
) -> str:
    """The same map as SVG text; each province is a group with id province-TH.. and its fill."""
    drawn = _render("svg", 72, geo, rubric, part, title, subtitle, highlight, size_cm, lang)
    return drawn.decode("utf-8")
