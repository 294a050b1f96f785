"""The province maps as pictures: valid PNG of the page size, reproducible SVG, band colours,
grey provinces without an office, region outlines, the change map and the Thai font."""

from __future__ import annotations

import io
import re
import struct
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pmqa_cli.compare.geography import Geography, geography
from pmqa_cli.compare.snapshot import OfficeScore, Snapshot
from pmqa_cli.io.registry import load_registry, sample_registry_path
from pmqa_cli.report import maps
from pmqa_cli.report.maps import NO_OFFICE, band_colours, map_png, map_style, map_svg, thai_font
from pmqa_cli.rubric.model import Rubric

NORTH = "ภาคเหนือ"


def _office(code: str, name: str, overall: str, region: str = NORTH) -> OfficeScore:
    score = Decimal(overall)
    return OfficeScore(code, name, None, "", region, score, score, score)


@pytest.fixture(scope="module")
def small() -> Geography:
    """Offices in three provinces only; Bangkok (TH10) has none."""
    return geography(
        [
            _office("1", "สพป.เชียงใหม่ เขต 1", "460"),
            _office("2", "สพป.เชียงใหม่ เขต 2", "440"),  # mean 450: the top band's edge
            _office("3", "สพป.ลำพูน เขต 1", "260"),
            _office("4", "สพป.ชลบุรี เขต 1", "320", region="ภาคตะวันออก"),
        ],
        4,
        previous=Snapshot(
            "2566", "", {"1": _office("1", "x", "400"), "3": _office("3", "x", "300")}
        ),
    )


def _fill(svg: str, pcode: str) -> str:
    """The fill colour of a province's group in the SVG."""
    group = re.search(rf'<g id="province-{pcode}">(.*?)</g>', svg, re.S)
    assert group, pcode
    fill = re.search(r"fill: (#[0-9a-f]{6})", group.group(1))
    assert fill, pcode
    return fill.group(1).upper()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_png_of_the_page_size(small: Geography, shipped: Rubric) -> None:
    data = map_png(small, shipped, subtitle="ปีงบประมาณ 2567")
    width, height = _png_size(data)
    assert abs(width - 16 / 2.54 * 180) <= 1 and abs(height - 20 / 2.54 * 180) <= 1
    assert data.endswith(b"IEND\xaeB`\x82")
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(io.BytesIO(data)) as image:
        image.load()  # decodes every row: a whole, valid PNG
        assert image.size == (width, height)
        assert round(image.info["dpi"][0]) == 180  # Excel and LibreOffice place it at 16 x 20 cm
        assert image.getpixel((width // 2, height - 2))[:3] == (255, 255, 255)  # white page
    assert map_png(small, shipped, subtitle="ปีงบประมาณ 2567") == data  # reproducible
    smaller = map_png(small, shipped, dpi=100, size_cm=(8, 10))
    assert _png_size(smaller) == (314, 393)


def test_the_maps_pictures_are_compressed_at_a_quicker_level(
    small: Geography, shipped: Rubric
) -> None:
    """zlib's level 3, not Pillow's 6 (maps.PNG_COMPRESSION: a tenth quicker, 5 % larger): the
    level shows in the header of the picture's zlib stream (FLEVEL 1 is levels 2-5, 2 is 6)."""
    from pmqa_cli.report.map_small import summary_map_png

    for data in (map_png(small, shipped), summary_map_png(small, shipped)):
        assert data is not None
        start = data.index(b"IDAT") + 4
        assert data[start] & 0x0F == 8 and data[start + 1] >> 6 == 1  # deflate, level 2-5


def test_the_svg_is_the_same_for_the_same_input(small: Geography, shipped: Rubric) -> None:
    first = map_svg(small, shipped)
    assert first == map_svg(small, shipped)
    assert first.startswith("<?xml") and first.rstrip().endswith("</svg>")
    assert "<dc:date>" not in first


def test_provinces_are_coloured_by_the_band_of_their_mean(
    small: Geography, shipped: Rubric
) -> None:
    svg = map_svg(small, shipped)
    bands = shipped.scoring.overall_bands  # ต้องปรับปรุง, พอใช้, ดี, ดีมาก, ดีเยี่ยม
    colours = band_colours(bands)
    assert _fill(svg, "TH50") == colours[4]  # เชียงใหม่: mean 450 is ดีเยี่ยม (edge included)
    assert _fill(svg, "TH51") == colours[1]  # ลำพูน 260: พอใช้
    assert _fill(svg, "TH20") == colours[2]  # ชลบุรี 320: ดี
    assert _fill(svg, "TH10") == NO_OFFICE  # กรุงเทพมหานคร: no office, light grey
    assert _fill(svg, "TH96") == NO_OFFICE
    assert len(set(colours)) == len(bands)


def test_region_outlines_are_drawn_over_the_provinces(small: Geography, shipped: Rubric) -> None:
    svg = map_svg(small, shipped)
    outlines = re.search(r'<g id="region-outlines">(.*?)</g>', svg, re.S)
    assert outlines
    assert outlines.group(1).count("<path") == len(small.region_lines()) > 0
    assert svg.index('id="province-TH96"') < svg.index('id="region-outlines"')


def test_the_legend_counts_provinces_per_band(small: Geography, shipped: Rubric) -> None:
    style = map_style(small, shipped, "overall")
    labels = [(label, detail) for _, label, detail in style.legend]
    assert labels[0] == ("ดีเยี่ยม", "450 ขึ้นไป · 1 จังหวัด")
    assert ("ต้องปรับปรุง", "ต่ำกว่า 250 · 0 จังหวัด") in labels
    assert labels[-1] == ("ไม่มีหน่วยงาน", "74 จังหวัด")
    assert style.values["ภาคเหนือ"] == Decimal("386.6667")  # (460 + 440 + 260) / 3
    # Categories 1-6 are coloured by the PMQA 4.0 statuses.
    pmqa = map_style(small, shipped, "pmqa")
    status = [b.label_th for b in shipped.scoring.pmqa_status_bands]
    assert [label for _, label, _ in pmqa.legend][:-1] == status[::-1]


def test_the_change_map_uses_a_diverging_scale(small: Geography, shipped: Rubric) -> None:
    style = map_style(small, shipped, "change")
    assert style.limit == Decimal(60)  # the largest change: เชียงใหม่ 460 - 400
    rose, fell = style.fills["TH50"], style.fills["TH51"]  # +60, and ลำพูน 260 - 300 = -40
    assert rose == "#2166AC"  # the end of the scale
    red, _, blue = (int(rose[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red  # rose: blue
    red, _, blue = (int(fell[i : i + 2], 16) for i in (1, 3, 5))
    assert red > blue  # fell: red
    assert style.fills["TH20"] == NO_OFFICE  # ชลบุรี has no previous result
    svg = map_svg(small, shipped, "change")
    assert _fill(svg, "TH50") == rose
    unchanged = geography([_office("1", "สพป.ตาก เขต 1", "300")], 2)
    with pytest.raises(ValueError, match="previous"):
        map_style(unchanged, shipped, "change")
    with pytest.raises(ValueError, match="part"):
        map_style(small, shipped, "ranks")


def test_an_office_province_can_be_highlighted(small: Geography, shipped: Rubric) -> None:
    svg = map_svg(small, shipped, highlight="TH51")
    assert 'id="highlight-TH51"' in svg
    assert 'id="highlight-' not in map_svg(small, shipped)
    # An office of two provinces: both outlined, both named in the legend.
    figure = maps._figure(small, shipped, "overall", None, "", ("TH52", "TH51"), maps.MAP_SIZE_CM)
    assert "จังหวัดของหน่วยงาน: ลำปาง ลำพูน" in [t.get_text() for t in figure.texts]
    drawn = {line.get_gid() for ax in figure.axes for line in ax.lines}
    assert drawn == {"highlight-TH52", "highlight-TH51"}
    with pytest.raises(KeyError):
        map_png(small, shipped, highlight="TH99")


def test_thai_text_is_drawn_with_a_thai_font(small: Geography, shipped: Rubric) -> None:
    font = thai_font()
    if font is None:
        pytest.skip("no Thai font installed here")
    from matplotlib import font_manager

    path = font_manager.findfont(font, fallback_to_default=False)
    assert path and "DejaVu" not in path


def test_without_a_thai_font_it_says_so(
    small: Geography, shipped: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maps, "thai_font", lambda: None)
    with pytest.warns(RuntimeWarning, match="Thai font"):
        data = map_png(small, shipped, dpi=40)
    assert _png_size(data)[0] > 0


def test_the_shipped_registry_draws_with_every_province_coloured(shipped: Rubric) -> None:
    registry = load_registry(sample_registry_path())
    offices = [
        OfficeScore(o.code, o.name, o.type, o.province, o.region, Decimal(350)) for o in registry
    ]
    geo = geography(offices, 4)
    assert not geo.findings
    style = map_style(geo, shipped, "overall")
    assert NO_OFFICE not in style.fills.values()
    assert set(style.values) == {*{o.region for o in registry}, "ทั้งประเทศ"}


def test_many_regions_fit_beside_the_map(shipped: Rubric) -> None:
    offices = [
        _office(str(n), f"สพป.{name} เขต 1", "300", region=f"เขตตรวจราชการกระทรวงศึกษาธิการที่ {n}")
        for n, name in enumerate(["ตาก", "น่าน", "ยะลา", "ตรัง", "เลย", "แพร่", "สตูล"] * 4, 1)
    ]
    geo = geography(offices, 2)
    style = map_style(geo, shipped, "overall")
    assert len(style.values) == 29  # 28 regions and the country, all in the data
    figure = maps._figure(geo, shipped, "overall", None, "", None, maps.MAP_SIZE_CM)
    texts = [t for t in figure.texts if t.get_text()]
    more = [t.get_text() for t in texts if "และอีก" in t.get_text()]
    assert len(more) == 1 and more[0].endswith("ภาค")  # the first regions, then how many more
    table = [t for t in texts if t.get_text().startswith("เขตตรวจ")]
    assert table and max(t.get_position()[1] for t in table) < 0.42  # below Trat, in the sea
    assert min(float(t.get_fontsize()) for t in table) >= 6


def test_long_region_names_are_cut_in_the_middle_at_a_letter() -> None:
    name = "เขตตรวจราชการกระทรวงศึกษาธิการที่ 12"
    short = maps._shorten(name, 24)
    assert short.startswith("เขตตรวจราชการ") and short.endswith("ที่ 12") and "…" in short
    assert short[short.index("…") + 1] not in maps._THAI_MARKS
    assert maps._shorten("ภาคเหนือ", 24) == "ภาคเหนือ"


def test_the_region_line_is_explained_only_when_there_are_regions(shipped: Rubric) -> None:
    def legend(geo: Geography) -> list[str]:
        figure = maps._figure(geo, shipped, "overall", None, "", None, maps.MAP_SIZE_CM)
        return [t.get_text() for t in figure.texts]

    with_regions = geography([_office("1", "สพป.ตาก เขต 1", "300")], 2)
    without = geography([_office("1", "สพป.ตาก เขต 1", "300", region="")], 2)
    assert "เส้นแบ่งภาค (ตามทะเบียนหน่วยงาน)" in legend(with_regions)
    assert "เส้นแบ่งภาค (ตามทะเบียนหน่วยงาน)" not in legend(without)
    assert "ไม่ระบุภาค" not in legend(without)  # the table is the country alone
    assert "ทั้งประเทศ" in legend(without)
    mixed = geography([_office("1", "สพป.ตาก เขต 1", "3"), _office("2", "สพป.น่าน", "3", "")], 2)
    assert "ไม่ระบุภาค" in legend(mixed)


def test_matplotlib_is_imported_only_when_a_map_is_drawn() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pmqa_cli.report.maps, pmqa_cli.compare.geography; "
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_english_map_has_no_thai_but_the_registry_s_region_names(
    small: Geography, shipped: Rubric
) -> None:
    figure = maps._figure(small, shipped, "overall", None, "FY 2024", ("TH50",), maps.MAP_SIZE_CM,
                          "en")  # fmt: skip
    texts = [t.get_text() for t in figure.texts if t.get_text()]
    thai = [t for t in texts if any("\u0e00" <= c <= "\u0e7f" for c in t)]
    assert sorted(thai) == sorted(r.name_th for r in small.regions)  # data, as registered
    assert "Mean overall score by province" in texts
    assert "Excellent" in texts and "450 and above · 1 province" in texts
    assert "The office's province: Chiang Mai" in texts
    assert "Whole country" in texts
    style = map_style(small, shipped, "change", lang="en")
    assert style.legend[0][1] == "Nothing to compare"
    with pytest.raises(ValueError, match="lang"):
        map_style(small, shipped, "overall", lang="fr")


def test_a_long_title_is_shrunk_to_fit_the_picture(small: Geography, shipped: Rubric) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    long_title = "คะแนนรวมเฉลี่ยรายจังหวัดของสำนักงานเขตพื้นที่การศึกษาทั่วประเทศ ปีงบประมาณ พ.ศ. 2567"
    figure = maps._figure(small, shipped, "overall", long_title, "", None, maps.MAP_SIZE_CM)
    canvas: Any = FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()
    for text in figure.texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= figure.bbox.width, text.get_text()
    title = next(t for t in figure.texts if t.get_text().replace("\n", " ") == long_title)
    assert "\n" in title.get_text()  # on two lines
    assert float(title.get_fontsize()) < 16


def test_both_languages_have_every_word() -> None:
    from pmqa_cli.report.map_words import MAP_WORDS

    assert set(MAP_WORDS) == {"th", "en"}
    assert set(MAP_WORDS["th"]) == set(MAP_WORDS["en"])
    assert not any("\u0e00" <= c <= "\u0e7f" for text in MAP_WORDS["en"].values() for c in text)


def test_a_rubric_with_many_bands_keeps_its_legend_above_the_table(
    small: Geography, shipped: Rubric
) -> None:
    from pmqa_cli.rubric.model import Band

    bands = [Band(min=Decimal(n * 50), label_th=f"ระดับ {n}", label_en=f"L{n}") for n in range(10)]
    many = shipped.model_copy(
        update={"scoring": shipped.scoring.model_copy(update={"overall_bands": bands})}
    )
    figure = maps._figure(small, many, "overall", None, "", None, maps.MAP_SIZE_CM)
    texts = {t.get_text(): t.get_position()[1] for t in figure.texts}
    lowest_legend = min(y for text, y in texts.items() if text.startswith("ระดับ"))
    assert "ระดับ 9 · 450 ขึ้นไป · 1 จังหวัด" in texts  # one line an entry (เชียงใหม่)
    assert lowest_legend > texts["ค่าเฉลี่ยรายภาค"]


def test_no_office_at_all_draws_a_grey_map(shipped: Rubric) -> None:
    empty = geography([], 4, previous={})
    style = map_style(empty, shipped, "overall")
    assert set(style.fills.values()) == {NO_OFFICE}
    assert style.legend[-1][2] == "77 จังหวัด"
    assert map_style(empty, shipped, "change").limit == Decimal(1)
    figure = maps._figure(empty, shipped, "change", None, "", None, maps.MAP_SIZE_CM)
    texts = [t.get_text() for t in figure.texts]
    assert "ทั้งประเทศ" in texts and "-" in texts  # the country's row, without a mean
    assert _png_size(map_png(empty, shipped, dpi=30))[0] > 0


def test_the_executive_summary_map_is_small_and_only_for_placed_offices(
    small: Geography, shipped: Rubric
) -> None:
    from PIL import Image  # Pillow comes with matplotlib

    from pmqa_cli.report.map_small import SUMMARY_MAP_CM, SUMMARY_MAP_DPI, summary_map_png

    data = summary_map_png(small, shipped)
    assert data is not None
    width, height = _png_size(data)
    expected = [round(cm / 2.54 * SUMMARY_MAP_DPI) for cm in SUMMARY_MAP_CM]
    assert abs(width - expected[0]) <= 1 and abs(height - expected[1]) <= 1
    assert summary_map_png(small, shipped) == data  # reproducible
    with Image.open(io.BytesIO(data)) as image:
        colours = {c for _, c in image.convert("RGB").getcolors(1 << 20) or []}
    # The overall map's own colours: เชียงใหม่'s band (450: the top band), ลำพูน's, and grey.
    style = map_style(small, shipped, "overall")
    for pcode in ("TH50", "TH51", "TH10"):
        rgb = tuple(int(style.fills[pcode][i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, pcode
    # No office placed on the map (no province found for any): no picture at all.
    assert summary_map_png(geography([], 4), shipped) is None


def test_the_executive_summary_map_keeps_many_bands_above_its_source_note(
    small: Geography, shipped: Rubric
) -> None:
    from pmqa_cli.compare.geography import BOUNDARIES_SOURCE_TH
    from pmqa_cli.report.map_small import summary_figure
    from pmqa_cli.rubric.model import Band

    bands = [Band(min=Decimal(n * 50), label_th=f"ระดับ {n}", label_en=f"L{n}") for n in range(10)]
    many = shipped.model_copy(
        update={"scoring": shipped.scoring.model_copy(update={"overall_bands": bands})}
    )
    figure = summary_figure(small, many)
    figure.canvas.draw()
    boxes = {t.get_text(): t.get_window_extent() for t in figure.texts}
    assert {f"ระดับ {n}" for n in range(10)} <= set(boxes)
    lowest = min(box.y0 for text, box in boxes.items() if text != BOUNDARIES_SOURCE_TH)
    assert lowest > boxes[BOUNDARIES_SOURCE_TH].y1  # the legend ends above the source note
    assert all(box.x1 <= figure.bbox.width for box in boxes.values())  # nothing past the edge


def test_the_drawing_process_draws_what_this_process_would_and_a_dead_one_is_drawn_for(
    small: Geography, shipped: Rubric, tmp_path: Path
) -> None:
    """A batch's maps come from a process started before they are known (report/map_drawer.py
    MapDrawer): its pictures are those drawn here, byte for byte; when it has died (killed,
    out of memory) the maps are drawn here instead, and nothing is left running."""
    from pmqa_cli.report.map_drawer import MapDrawer
    from pmqa_cli.report.map_sheet import draw_later

    subtitle = "ปีงบประมาณ 2567"
    here = draw_later(MapDrawer(background=False), small, shipped, tmp_path, subtitle)()
    with MapDrawer() as drawer:
        drawn = draw_later(drawer, small, shipped, tmp_path, subtitle)()
        process = drawer._process
    assert drawn == here and set(drawn.maps) == {"overall", "pmqa", "results", "change"}
    assert drawn.summary is not None and not process.is_alive()
    with MapDrawer() as drawer:
        drawer._process.kill()
        drawer._process.join()
        assert draw_later(drawer, small, shipped, tmp_path, subtitle)() == here
    assert list(tmp_path.iterdir()) == []  # the pictures' file is gone once read


def test_the_drawing_process_ends_once_it_has_drawn_before_the_pictures_are_asked_for(
    small: Geography, shipped: Rubric, tmp_path: Path
) -> None:
    """A large batch writes its tables for a while after handing over the maps: the drawing
    process (matplotlib's ~130 MB) does not wait for it, it leaves the pictures in the scratch
    folder and ends; a second round is drawn here."""
    from pmqa_cli.report.map_drawer import MapDrawer
    from pmqa_cli.report.map_sheet import draw_later

    subtitle = "ปีงบประมาณ 2567"
    here = draw_later(MapDrawer(background=False), small, shipped, tmp_path, subtitle)()
    with MapDrawer() as drawer:
        process = drawer._process
        waiting = draw_later(drawer, small, shipped, tmp_path, subtitle)
        process.join(60)
        assert not process.is_alive()  # ended, nothing asked for yet
        assert [p.name[:5] for p in tmp_path.iterdir()] == ["maps-"]
        assert waiting() == here
        assert draw_later(drawer, small, shipped, tmp_path, subtitle)() == here  # drawn here
    assert list(tmp_path.iterdir()) == []
