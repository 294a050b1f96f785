"""The office's province on a small map of Thailand, for the ตำแหน่ง sheet of its feedback.

Every province is coloured as on the results' overall map (the band of its offices' mean score,
report/maps.py's :func:`~pmqa_cli.report.maps.map_style`), and the office's province is outlined
in the feedback's own colour (the purple of "this office" in its charts), with a ring round it
when it is too small to find, under a Thai title naming it.

A batch draws one picture per province (or set of provinces, for an office that serves several),
not per office: :class:`LocatorMaps` draws the country once per process and then, for each
province, puts back the country's pixels, draws the title and the outline over them and saves
(a small picture at a low resolution: under a hundredth of a second of CPU). Its pictures are
kept, so every office of a province gets the same bytes. matplotlib is imported only when the
first picture is drawn; where it cannot be imported the sheet says what is missing instead of a
map. A batch has every picture its offices need drawn at once (:func:`draw_pictures`) by its
map-drawing process (report/map_drawer.py), which has matplotlib loaded already, and hands them
to its feedback workers (report/feedbacks.py), which then import no matplotlib.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmqa_cli.compare.geography import Geography, load_boundaries, provinces_of
from pmqa_cli.report.maps import (
    BORDER,
    HIGHLIGHT,
    SMALL_FACES,
    TEXT_COLOUR,
    map_axes,
    map_style,
    thai_font,
)
from pmqa_cli.report.xlsx_sheet import Sheet, Style
from pmqa_cli.rubric.model import Rubric

if TYPE_CHECKING:  # pragma: no cover - types only; matplotlib is imported when drawing
    from matplotlib.figure import Figure  # heavy: drawing only

__all__ = [
    "LOCATOR_DPI",
    "LOCATOR_SIZE_CM",
    "NEEDS_MATPLOTLIB",
    "Locator",
    "LocatorMaps",
    "draw_pictures",
    "no_province_note",
    "place_locator",
]

#: The picture on paper (width, height in cm) and its resolution: small and cheap to draw.
LOCATOR_SIZE_CM = (8.0, 11.5)
LOCATOR_DPI = 130
NEEDS_MATPLOTLIB = (
    "ไม่แสดงแผนที่จังหวัด: เครื่องนี้ไม่มี matplotlib ที่ใช้วาดแผนที่ ติดตั้งด้วย pip install matplotlib แล้วประมวลผลใหม่"
)
_LEGEND_TOP = 0.5  # of the picture's height: the legend stays below the north-east
_SMALL = 0.6  # degrees: a province narrower and lower than this gets a ring round it too


def no_province_note(province: str, name: str) -> str:
    """Why an office has no map: its province was not found (pmqa does not guess)."""
    given = province.strip() or "-"
    return (
        f"ไม่แสดงแผนที่จังหวัด: ไม่พบจังหวัดของหน่วยงานนี้จากคอลัมน์จังหวัดในทะเบียน ({given}) "
        f"หรือจากชื่อหน่วยงาน ({name.strip() or '-'}) แก้โดยระบุชื่อจังหวัดภาษาไทยในคอลัมน์จังหวัด"
        "ของทะเบียนหน่วยงาน"
    )


@dataclass(frozen=True)
class Locator:
    """What the ตำแหน่ง sheet shows of the office's place: the picture (PNG), or the line that
    says why there is none."""

    title: str  # จังหวัดเชียงราย; "" when the province is unknown
    png: bytes | None = None
    note: str = ""  # why there is no picture


@dataclass
class LocatorMaps:
    """The province pictures of one round: picklable (a batch's feedback workers each get one,
    with the pictures drawn so far), holding its figure once it has drawn a picture."""

    fills: dict[str, str]  # province code -> colour (the results' overall map)
    legend: list[tuple[str, str, str]]  # colour, label, range · provinces
    heading: str  # the legend's heading
    source: str  # the boundaries' one-line source note
    names: dict[str, str]  # province code -> Thai name
    drawn: dict[tuple[str, ...], Locator] = field(default_factory=dict)
    draws: int = 0  # pictures drawn (the rest were kept ones)
    # Once the first picture is drawn: the figure, its title, the country's pixels, title size.
    _figure: Any = field(default=None, init=False, repr=False, compare=False)
    _title: Any = field(default=None, init=False, repr=False, compare=False)
    _background: Any = field(default=None, init=False, repr=False, compare=False)
    _title_size: float = field(default=0.0, init=False, repr=False, compare=False)

    @staticmethod
    def of(geo: Geography, rubric: Rubric) -> LocatorMaps:
        """The pictures of a round whose offices are placed by ``geo``."""
        style = map_style(geo, rubric, "overall")
        names = {p.pcode: p.name_th for p in geo.boundaries.provinces}
        return LocatorMaps(dict(style.fills), list(style.legend), "คะแนนรวมเฉลี่ย\nของจังหวัด",
                           style.words["source"], names)  # fmt: skip

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_figure=None, _title=None, _background=None)  # a worker draws its own figure
        return state

    def for_office(self, province: str, name: str) -> Locator:
        """The picture of the office whose registry province and name these are."""
        codes = provinces_of(province, name)
        if not codes:
            return Locator("", None, no_province_note(province, name))
        return self.for_provinces(codes)

    def for_provinces(self, codes: Sequence[str]) -> Locator:
        """The picture with these provinces outlined, drawn the first time it is asked for."""
        key = tuple(codes)
        if key not in self.drawn:
            title = "จังหวัด" + " ".join(self.names[c] for c in key)
            try:
                png = self._draw(key, title)
            except ImportError:  # matplotlib missing: the sheet says so instead
                self.drawn[key] = Locator(title, None, NEEDS_MATPLOTLIB)
            else:
                self.draws += 1
                self.drawn[key] = Locator(title, png)
        return self.drawn[key]

    def _draw(self, codes: tuple[str, ...], title: str) -> bytes:
        """Put back the country as drawn once, draw the title and the outline over it, save."""
        from PIL import Image as Picture  # matplotlib's own dependency: imported when drawing

        if self._figure is None:
            self._figure, self._title, self._background = _base_figure(self)
            self._title_size = float(self._title.get_fontsize())
        fig = self._figure
        canvas = fig.canvas
        canvas.restore_region(self._background)
        self._title.set_text(title)
        self._title.set_fontsize(self._title_size)
        _fit(self._title, canvas)  # a long name of several provinces: smaller type
        fig.draw_artist(self._title)
        for artist in _outline(fig.axes[0], codes):
            fig.axes[0].draw_artist(artist)
            artist.remove()
        picture = Picture.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        # 64 colours look the same here (a few flat fills and their edges) at a third of the
        # bytes, which every workbook of the province carries.
        few = picture.convert("RGB").quantize(64, method=Picture.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        few.save(buffer, format="png", dpi=(LOCATOR_DPI, LOCATOR_DPI))
        return buffer.getvalue()


def draw_pictures(
    maps: LocatorMaps, keys: Sequence[tuple[str, ...]]
) -> dict[tuple[str, ...], Locator]:
    """The pictures of these sets of provinces (each as :func:`provinces_of` gives them), by
    set: what a batch's feedback workers are handed (report/feedbacks.py)."""
    for key in keys:
        maps.for_provinces(key)
    return dict(maps.drawn)


def _base_figure(maps: LocatorMaps) -> tuple[Figure, Any, Any]:
    """The country coloured by province, the legend and the source note, drawn once (the text
    is most of a picture's cost); returns the figure, its title (set for each picture) and the
    drawn pixels every picture starts from."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: drawing only
    from matplotlib.collections import PolyCollection  # heavy: drawing only
    from matplotlib.figure import Figure  # heavy: drawing only

    family = thai_font() or "DejaVu Sans"
    scale = 1.0 if family in SMALL_FACES else 0.8
    width, height = (cm / 2.54 for cm in LOCATOR_SIZE_CM)
    fig = Figure(figsize=(width, height), dpi=LOCATOR_DPI, facecolor="white")
    canvas: Any = FigureCanvasAgg(fig)  # matplotlib's blitting calls are not typed
    ax = map_axes(fig, (0.0, 0.05, 0.70, 0.835))
    rings, colours = [], []
    for province in load_boundaries().provinces:
        for ring in province.rings:
            rings.append(ring)
            colours.append(maps.fills.get(province.pcode, "#D9D9D9"))
    ax.add_collection(PolyCollection(rings, facecolors=colours, edgecolors=BORDER,
                                     linewidths=0.3))  # fmt: skip
    _legend(fig, maps, family, scale)
    source = maps.source.replace(": ", ":\n", 1)  # two short lines under the map
    fig.text(0.02, 0.014, source, family=family, size=6.5 * scale, color="#7F7F7F",
             linespacing=1.0)  # fmt: skip
    with warnings.catch_warnings():
        if thai_font() is None:  # every Thai letter would warn; the map shows boxes
            warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)
        for text in fig.texts:
            _fit(text, canvas)  # a long band label from a user's rubric
        canvas.draw()
    title = fig.text(0.5, 0.975, "", family=family, size=15 * scale, weight="bold",
                     color=TEXT_COLOUR, ha="center", va="top")  # fmt: skip
    return fig, title, canvas.copy_from_bbox(fig.bbox)


def _legend(fig: Figure, maps: LocatorMaps, family: str, scale: float) -> None:
    """The band colours in the sea east of the peninsula, and the office's outline."""
    from matplotlib.lines import Line2D  # heavy: drawing only
    from matplotlib.patches import Rectangle  # heavy: drawing only

    entries = [(colour, label) for colour, label, _ in maps.legend]
    # A line a band, between the source note and the south of the north-east (a rubric with
    # many bands gets smaller type rather than a legend over the map).
    inches = float(fig.get_size_inches()[1])
    step = min(10.5 * scale * 1.5 / 72 / inches, (_LEGEND_TOP - 0.075) / (len(entries) + 3.4))
    size = step * inches * 72 / 1.5
    x = 0.56
    y = 0.075 + step * (len(entries) + 2.4)
    fig.text(x, y - step * 0.5, maps.heading, family=family, size=size, weight="bold",
             color=TEXT_COLOUR, va="bottom", linespacing=1.1)  # fmt: skip
    for colour, label in entries:
        y -= step
        fig.add_artist(Rectangle((x, y - step * 0.35), 0.05, step * 0.7, facecolor=colour,
                                 edgecolor=BORDER, linewidth=0.4,
                                 transform=fig.transFigure))  # fmt: skip
        fig.text(x + 0.065, y, label, family=family, size=size, color=TEXT_COLOUR, va="center")
    y -= step * 1.2
    fig.add_artist(Line2D([x, x + 0.05], [y, y], color=HIGHLIGHT, linewidth=2.2,
                          transform=fig.transFigure))  # fmt: skip
    fig.text(x + 0.065, y, "จังหวัดของหน่วยงาน", family=family, size=size, color=TEXT_COLOUR,
             va="center")  # fmt: skip


def _fit(text: Any, canvas: Any) -> None:
    """Make a text smaller until it ends inside the picture (down to half its size)."""
    extent = text.get_window_extent(canvas.get_renderer())
    used, room = extent.width, canvas.figure.bbox.width * 0.99
    if text.get_horizontalalignment() != "center":
        room -= extent.x0  # from where it starts to the right edge
    if used > room > 0:
        size = float(text.get_fontsize())
        text.set_fontsize(max(size * room / used * 0.98, size / 2))


def _outline(ax: Any, codes: Sequence[str]) -> list[Any]:
    """The provinces' outlines (and a ring round a small one) on the map: the artists added."""
    from matplotlib.collections import LineCollection  # heavy: drawing only
    from matplotlib.patches import Ellipse  # heavy: drawing only

    boundaries = load_boundaries()
    added: list[Any] = []
    lines = [ring for code in codes for ring in boundaries.get(code).rings]
    added.append(ax.add_collection(LineCollection(lines, colors=HIGHLIGHT, linewidths=1.8,
                                                  zorder=4)))  # fmt: skip
    for code in codes:
        points = [p for ring in boundaries.get(code).rings for p in ring]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if max(xs) - min(xs) < _SMALL and max(ys) - min(ys) < _SMALL:
            centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
            ring = Ellipse(centre, 1.0, 1.0, fill=False, edgecolor=HIGHLIGHT, linewidth=1.5,
                           zorder=5)  # fmt: skip
            added.append(ax.add_patch(ring))
    return added


def place_locator(ws: Sheet, locator: Locator, row: int, column: int) -> None:
    """Put the picture (or the line saying why there is none) on a sheet, its top-left corner a
    little right of the start of ``column`` at ``row``, and print the sheet on one A4 page, so
    no page break can split the picture."""
    if locator.png is None:  # in the columns after the first, which keeps it off the table
        ws.put(row, column + 1, locator.note,
               Style(size=14, color="595959", wrap=True, valign="top"))  # fmt: skip
        ws.merge(row, column + 1, row + 7, column + 5)
    else:  # its size on paper, whatever the widths of the columns it lies over
        size = (_pixels(LOCATOR_SIZE_CM[0]), _pixels(LOCATOR_SIZE_CM[1]))
        ws.insert_png(row, column, locator.png, size, x_offset=_pixels(0.3))
    ws.pages_tall = 1  # with one page wide: the sheet is one page


def _pixels(cm: float) -> float:
    """A length on paper in xlsxwriter's pixels (96 to the inch)."""
    return cm / 2.54 * 96
