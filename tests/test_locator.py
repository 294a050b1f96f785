"""The office's province on the map, on the ตำแหน่ง sheet of its feedback workbook
(report/locator.py, drawn for a batch by report/feedbacks.py)."""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.compare.geography import geography, provinces_of
from pmqa_cli.compare.snapshot import OfficeScore
from pmqa_cli.io.registry import Office
from pmqa_cli.report import feedbacks, locator
from pmqa_cli.report.feedbacks import write_feedbacks
from pmqa_cli.report.locator import LOCATOR_SIZE_CM, NEEDS_MATPLOTLIB, LocatorMaps
from pmqa_cli.report.map_drawer import MapDrawer
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete
from .soffice import PDFTOTEXT, SOFFICE, comparable, convert

PURPLE = (0x70, 0x30, 0xA0)  # the office's outline


@pytest.fixture
def three(shipped: Rubric, make_submission: SubmissionFactory) -> list[ScoredOffice]:
    """Two offices of Chiang Rai (one named by its registry province only, one by its name) and
    one whose province is nowhere to be found."""
    offices = [
        Office("P001", "สพป.เชียงราย เขต 1", OfficeType.PRIMARY, "เชียงราย"),
        Office("P002", "สพป.เชียงราย เขต 2", OfficeType.PRIMARY, ""),
        Office("P003", "สพป.ฟ้าใส เขต 1", OfficeType.PRIMARY, "ฟ้าใส"),
    ]
    paths = [
        make_submission(shipped, complete(shipped, Filled(office=o)), name=f"{o.code}.xlsx")
        for o in offices
    ]
    return [score_office(p, shipped, steps=True) for p in paths]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The provinces of every picture actually drawn (a kept picture is not drawn again)."""
    calls: list[tuple[str, ...]] = []
    draw = LocatorMaps._draw

    def counting(self: LocatorMaps, codes: tuple[str, ...], title: str) -> bytes:
        calls.append(codes)
        return draw(self, codes, title)

    monkeypatch.setattr(LocatorMaps, "_draw", counting)
    return calls


def _standing(folder: Path, code: str) -> Worksheet:
    ws = openpyxl.load_workbook(folder / f"{code}.xlsx")["ตำแหน่ง"]
    assert isinstance(ws, Worksheet)
    return ws


def _pictures(ws: Worksheet) -> list[Any]:
    return list(ws._images)  # type: ignore[attr-defined]


def _png(picture: Any) -> bytes:
    data: bytes = picture._data()
    return data


def _texts(ws: Worksheet) -> str:
    return " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def _purple_box(png: bytes) -> tuple[float, float, float, float] | None:
    """Where the outline colour is, as fractions of the picture's width and height."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    data = image.tobytes()  # red, green, blue, row by row

    def purple(x: int, y: int) -> bool:
        at = (y * width + x) * 3
        return all(abs(a - b) <= 12 for a, b in zip(data[at : at + 3], PURPLE, strict=True))

    points = [(x, y) for y in range(0, height, 2) for x in range(0, width, 2) if purple(x, y)]
    # The legend's sample line is purple too: keep to the map (the left 55 %).
    points = [(x, y) for x, y in points if x < width * 0.55]
    if not points:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs) / width, min(ys) / height, max(xs) / width, max(ys) / height


def test_an_office_of_a_known_province_gets_its_map_shared_with_the_province_drawn_once(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice], drawn: list[tuple[str, ...]]
) -> None:
    folder = tmp_path / "fb"
    write_feedbacks(three, shipped, folder)
    assert drawn == [("TH57",)]  # Chiang Rai, once for its two offices; none for the third
    first, second = _standing(folder, "P001"), _standing(folder, "P002")
    (picture,) = _pictures(first)
    (other,) = _pictures(second)
    png = _png(picture)
    assert png == _png(other)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width < image.height  # a small portrait picture
    # The province is outlined where Chiang Rai is: the top of the country, in the north.
    box = _purple_box(png)
    assert box is not None and box[3] < 0.3, box
    # Its size on paper is fixed (8 x 11.5 cm), right of the distribution table.
    anchor = picture.anchor
    assert anchor._from.col == 3 and anchor._from.colOff == 108000  # column D, 0.3 cm in
    assert (anchor.ext.width, anchor.ext.height) == tuple(round(cm * 360000) for cm in
                                                          LOCATOR_SIZE_CM)  # fmt: skip
    assert "จังหวัดเชียงราย" not in _texts(first)  # the title is in the picture, not a cell


def test_the_map_never_crosses_a_page_break(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice]
) -> None:
    folder = tmp_path / "fb"
    write_feedbacks(three, shipped, folder)
    ws = _standing(folder, "P001")
    setup = ws.page_setup
    assert setup.paperSize == 9 and setup.orientation == "portrait"  # A4
    # One page wide and one page tall, no break of our own: nothing on it can be split.
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    # (a count left out is 1, the file format's default)
    assert (setup.fitToWidth or 1, setup.fitToHeight or 1) == (1, 1)
    assert setup.fitToHeight != 0
    assert not ws.row_breaks.brk
    # The map and the chart do not overlap: the chart starts below the map's last row.
    (picture,) = _pictures(ws)
    (chart,) = ws._charts  # type: ignore[attr-defined]
    top = picture.anchor._from.row
    points = picture.anchor.ext.height / 12700
    rows = top
    while points > 0:
        rows += 1
        points -= ws.row_dimensions[rows].height or 15
    assert rows < chart.anchor._from.row, (rows, chart.anchor._from.row)


def test_an_unknown_province_gets_no_map_and_a_line_saying_why(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice]
) -> None:
    folder = tmp_path / "fb"
    write_feedbacks(three, shipped, folder)
    ws = _standing(folder, "P003")
    assert _pictures(ws) == []
    text = _texts(ws)
    assert "ไม่แสดงแผนที่จังหวัด: ไม่พบจังหวัดของหน่วยงานนี้" in text
    assert "(ฟ้าใส)" in text and "(สพป.ฟ้าใส เขต 1)" in text  # what was looked for
    assert "ทะเบียนหน่วยงาน" in text  # and how to fix it
    assert provinces_of("ฟ้าใส", "สพป.ฟ้าใส เขต 1") == ()  # no guess


@pytest.fixture
def no_matplotlib(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """matplotlib cannot be imported (its modules already loaded are hidden too)."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    yield


def test_feedback_is_written_without_matplotlib_and_says_the_map_needs_it(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice], no_matplotlib: None
) -> None:
    with pytest.raises(ImportError):
        import matplotlib.figure  # noqa: F401
    folder = tmp_path / "fb"
    write_feedbacks(three, shipped, folder)
    for code in ("P001", "P002"):
        ws = _standing(folder, code)
        assert _pictures(ws) == []
        assert NEEDS_MATPLOTLIB in _texts(ws)
        assert len(ws._charts) == 1  # type: ignore[attr-defined]  # the rest is all there
    assert "ไม่พบจังหวัด" in _texts(_standing(folder, "P003"))


def _maps(shipped: Rubric) -> LocatorMaps:
    offices = [
        OfficeScore("P1", "สพป.เชียงราย เขต 1", overall=shipped.scoring.max_score),
        OfficeScore("M1", "สพม.ลำปาง ลำพูน", overall=shipped.scoring.max_score / 2),
    ]
    return LocatorMaps.of(geography(offices, shipped.scoring.decimals), shipped)


def test_provinces_are_coloured_as_on_the_results_map_and_an_office_of_several_named(
    shipped: Rubric,
) -> None:
    maps = _maps(shipped)
    top, low = maps.fills["TH57"], maps.fills["TH52"]  # the highest band; Lampang lower
    assert top != low and maps.fills["TH51"] == low and maps.fills["TH10"] == "#D9D9D9"
    several = maps.for_office("", "สพม.ลำปาง ลำพูน")
    assert several.title == "จังหวัดลำปาง ลำพูน" and several.png is not None
    assert maps.for_provinces(("TH52", "TH51")) is several  # kept, not drawn again
    assert maps.draws == 1
    box = _purple_box(several.png)
    assert box is not None and box[1] > 0.02 and box[3] < 0.45, box  # the north, not the top
    # A worker gets the pictures drawn so far and draws the rest itself, the same bytes.
    copy = pickle.loads(pickle.dumps(maps))
    assert copy.drawn == maps.drawn
    assert copy.for_provinces(("TH57",)).png == maps.for_provinces(("TH57",)).png


def test_workers_take_a_province_at_a_time(three: list[ScoredOffice]) -> None:
    offices = [three[0], three[2], three[1], three[2]]
    groups = feedbacks._by_province(offices)
    codes = [[offices[n].office.code for n in group] for group in groups]
    # Chiang Rai's two offices together, in their order; each unplaced office on its own.
    assert codes == [["P001", "P002"], ["P003"], ["P003"]]


def test_the_picture_is_small(shipped: Rubric) -> None:
    # Every workbook of the province carries it: a few tens of kilobytes at a low resolution.
    png = _maps(shipped).for_provinces(("TH10",)).png
    assert png is not None and len(png) < 40_000
    image = Image.open(io.BytesIO(png))
    dpi = locator.LOCATOR_DPI
    for pixels, cm in zip(image.size, LOCATOR_SIZE_CM, strict=True):
        assert abs(pixels - cm / 2.54 * dpi) <= 1
    assert round(image.info["dpi"][0]) == dpi  # so it is placed at its size on paper


def test_worker_processes_share_each_province_picture(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice]
) -> None:
    # Enough offices for the pool of worker processes (the batch's path): each worker gets the
    # colours, draws its own country and the pictures of the provinces it is handed.
    placed = {"เชียงราย": 4, "ลำปาง": 3, "ฟ้าใส": 2}
    offices = []
    for province, count in placed.items():
        for n in range(1, count + 1):
            office = dataclasses.replace(
                three[0].office, code=f"{province}{n}", name=f"สพป.{province} เขต {n}", province=""
            )
            path = str(tmp_path / f"{province}{n}.xlsx")
            offices.append(dataclasses.replace(three[0], office=office, file=path))
    folder = tmp_path / "fb"
    write_feedbacks(offices, shipped, folder, jobs=2)
    pictures: dict[str, set[bytes]] = {}
    for province, count in placed.items():
        for n in range(1, count + 1):
            ws = _standing(folder, f"{province}{n}")
            pictures.setdefault(province, set()).update(_png(p) for p in _pictures(ws))
    assert len(pictures["เชียงราย"]) == 1 and len(pictures["ลำปาง"]) == 1
    assert pictures["เชียงราย"] != pictures["ลำปาง"] and pictures["ฟ้าใส"] == set()


def test_the_drawing_process_draws_the_same_pictures_and_a_dead_one_leaves_them_to_be_drawn(
    tmp_path: Path, shipped: Rubric
) -> None:
    """A batch's pictures are drawn by its map-drawing process (report/map_drawer.py), byte for
    byte those a feedback worker draws; when that process died first (killed, out of memory)
    the worker draws them itself, the same bytes again."""
    keys = [("TH57",), ("TH52", "TH51"), ("TH10",)]
    here = locator.draw_pictures(_maps(shipped), keys)
    assert len(here) == 3 and all(p.png for p in here.values())
    with MapDrawer() as drawer:
        shared = drawer.share(locator.draw_pictures, _maps(shipped), keys, to=tmp_path / "p")
        assert shared is not None
        maps = feedbacks.Pictures(_maps(shipped), shared).ready()
    assert maps.drawn == here and maps.draws == 0  # none drawn in this process
    with MapDrawer() as drawer:
        drawer._process.kill()
        drawer._process.join()
        shared = drawer.share(locator.draw_pictures, _maps(shipped), keys, to=tmp_path / "q")
        maps = feedbacks.Pictures(_maps(shipped), shared).ready()
    assert maps.drawn == {}
    assert [maps.for_provinces(key) for key in keys] == list(here.values()) and maps.draws == 3


#: Run in every process of the batch below (its parent, and its workers however started):
#: each feedback worker notes, once it has written, whether matplotlib is loaded in it.
_PROBE = """
import os, sys
from pathlib import Path
from pmqa_cli.report import feedbacks, map_drawer

_write, _probe = feedbacks._write, Path(os.environ["PMQA_PROBE"])

def _noted(tasks, rubric, maps):
    _write(tasks, rubric, maps)
    loaded = any(m.partition(".")[0] == "matplotlib" for m in sys.modules)
    (_probe / f"{os.getpid()}-{loaded}").touch()

feedbacks._write = _noted
if os.environ.get("PMQA_PROBE_NO_DRAWER"):  # a batch where no drawing process can start
    _start = map_drawer.MapDrawer.__init__
    map_drawer.MapDrawer.__init__ = lambda self, **kw: _start(self, background=False)
"""

_BATCH = """
import sys
from pmqa_cli.cli.app import main
try:
    main()
finally:
    print("parent has matplotlib:", "matplotlib" in sys.modules, file=sys.stderr)
"""


def _probed_batch(tmp_path: Path, subs: Path, name: str, *args: str) -> tuple[set[bool], str]:
    """``pmqa batch`` with feedback, in a process of its own: whether each feedback worker had
    matplotlib loaded once it had written, and what the parent said."""
    probe, site = tmp_path / f"probe-{name}", tmp_path / "site"
    probe.mkdir()
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(_PROBE, encoding="utf-8")
    env = dict(os.environ, PMQA_PROBE=str(probe), SOURCE_DATE_EPOCH="1700000000",
               PYTHONPATH=os.pathsep.join([str(site), *sys.path]))  # fmt: skip
    outputs = ["-o", str(tmp_path / f"{name}.xlsx"), "--feedback", str(tmp_path / name)]
    command = [sys.executable, "-c", _BATCH, "batch", str(subs), *outputs, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr  # 1: the samples' deliberate errors
    return {p.name.endswith("True") for p in probe.iterdir()}, done.stderr


def test_a_batch_s_pictures_come_from_the_drawing_process_and_no_worker_loads_matplotlib(
    tmp_path: Path,
) -> None:
    """With its map-drawing process, neither a batch nor its feedback workers load matplotlib
    (a third of a second of CPU each, and the font): the pictures come drawn, the same bytes
    whether the workers, the batch itself (--jobs 1) or, without that process, the workers
    draw them."""
    from typer.testing import CliRunner

    from pmqa_cli.cli.app import app

    subs = tmp_path / "subs"
    made = CliRunner().invoke(app, ["sample", "-n", "9", "--out", str(subs), "--seed", "5"])
    assert made.exit_code == 0, made.output
    loaded, said = _probed_batch(tmp_path, subs, "workers", "--jobs", "2")
    assert loaded == {False} and "parent has matplotlib: False" in said
    loaded, said = _probed_batch(tmp_path, subs, "one", "--jobs", "1")
    assert loaded == {False} and "parent has matplotlib: False" in said
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMQA_PROBE_NO_DRAWER", "1")
        loaded, said = _probed_batch(tmp_path, subs, "alone", "--jobs", "2")
    assert loaded == {True}  # the probe sees it when they draw
    written = sorted(p.name for p in (tmp_path / "workers").glob("*.xlsx"))
    assert len(written) == 9
    for name in written:
        first = (tmp_path / "workers" / name).read_bytes()
        assert first == (tmp_path / "one" / name).read_bytes(), name
        assert first == (tmp_path / "alone" / name).read_bytes(), name


PDFIMAGES, PDFINFO = shutil.which("pdfimages"), shutil.which("pdfinfo")  # poppler-utils


@pytest.mark.skipif(
    None in (SOFFICE, PDFTOTEXT, PDFIMAGES, PDFINFO),
    reason="LibreOffice (soffice) and poppler-utils are not installed; .ci/run installs them",
)
def test_libreoffice_prints_the_sheet_on_one_a4_page_with_its_map(
    tmp_path: Path, shipped: Rubric, three: list[ScoredOffice]
) -> None:
    assert PDFTOTEXT is not None and PDFIMAGES is not None and PDFINFO is not None
    folder = tmp_path / "fb"
    write_feedbacks(three, shipped, folder)
    (pdf,) = convert([folder / "P001.xlsx"], "pdf", tmp_path / "pdf", tmp_path / "profile")
    out = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, check=True)
    pages = [comparable(p) for p in out.stdout.decode("utf-8").split("\f")]  # page n at n - 1
    standing = [
        n for n, page in enumerate(pages, start=1) if comparable("ผลการประเมิน: ตำแหน่ง") in page
    ]
    assert len(standing) == 1, standing  # one page: nothing on it is split across two
    (number,) = standing
    page = pages[number - 1]
    for whole in ("ช่วงคะแนนรวม", "475-500", "การกระจายคะแนนรวมของทุกหน่วยงาน"):
        assert comparable(whole) in page, whole  # the table and the chart, whole, on it
    listed = subprocess.run([PDFIMAGES, "-list", "-f", str(number), "-l", str(number), str(pdf)],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    images = [line for line in listed.splitlines()[2:] if line.strip()]
    assert len(images) == 1, listed  # the map (the chart is drawn, not a picture)
    pages_of = [PDFINFO, "-f", str(number), "-l", str(number), str(pdf)]
    size = subprocess.run(pages_of, capture_output=True, text=True, check=True)
    assert re.search(r"size:\s+595\.\d+ x 841\.\d+", size.stdout), size.stdout  # A4 portrait
