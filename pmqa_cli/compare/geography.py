"""Where the offices are: Thailand's 77 provinces, each office's province, and the exact mean
scores of each province and each region, for the maps (report/maps.py draws them).

The boundaries ship in the package (data/th-provinces.geojson, attribution in
data/th-provinces.NOTICE). An office's province comes from the registry's province column when it
names one, else from the office's name: "สพป.เชียงใหม่ เขต 1", "สำนักงานเขตพื้นที่การศึกษา
ประถมศึกษากรุงเทพมหานคร", "สพม.ลำปาง ลำพูน". A secondary office that serves several provinces
counts, whole, in each of them: a province's mean is the mean of the offices that serve it. The
region table and the national mean count every office once. docs/maps.md says the same for users.

Means are exact: the sum of the reported scores (Decimals) over the count, rounded half-up once
to the rubric's decimals; bands are read from that rounded mean, the number people see.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from pmqa_cli.compare.snapshot import OfficeScore, Snapshot, number
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.numbers import round_half_up

__all__ = [
    "BOUNDARIES_SOURCE_TH",
    "MAP_PARTS",
    "NATIONAL",
    "UNKNOWN_REGION",
    "AreaScores",
    "Boundaries",
    "Geography",
    "Province",
    "Stat",
    "boundaries_path",
    "geography",
    "join_segments",
    "load_boundaries",
    "match_provinces",
    "normalise_name",
    "provinces_of",
]

#: What a map can show: the three scores of every office, and the change in the overall score
#: since the previous result (offices in both rounds only).
MAP_PARTS = ("overall", "pmqa", "results", "change")
NATIONAL = "ทั้งประเทศ"
UNKNOWN_REGION = "(ไม่ระบุภาค)"
#: The one-line source note printed under every map (data/th-provinces.NOTICE).
BOUNDARIES_SOURCE_TH = "ขอบเขตจังหวัด: กรมแผนที่ทหาร / UN OCHA HDX (CC BY-IGO 3.0) ปรับให้เรียบโดย mapthai"

Point = tuple[float, float]  # longitude, latitude: drawing coordinates, never a score
Segment = tuple[Point, Point]


@dataclass(frozen=True)
class Province:
    """One province: code (TH10 ... TH96), names, and its outer rings (the file has no holes)."""

    pcode: str
    name_th: str
    name_en: str
    rings: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True)
class Boundaries:
    """The 77 provinces, in province-code order, and the names they are known by."""

    provinces: tuple[Province, ...]
    aliases: Mapping[str, str]  # normalised compact name -> pcode

    def get(self, pcode: str) -> Province:
        """The province with this code (KeyError for an unknown code)."""
        for province in self.provinces:
            if province.pcode == pcode:
                return province
        raise KeyError(pcode)

    def segments(self, province: Province) -> Iterable[Segment]:
        """Each edge of a province's rings, with its ends in a fixed order (shared edges of two
        neighbours are then equal: the simplified file keeps shared borders vertex for vertex)."""
        for ring in province.rings:
            for a, b in pairwise(ring):
                if a != b:
                    yield (a, b) if a < b else (b, a)


# Other ways offices and registries write a province (compared after normalise_name).
_EXTRA_ALIASES = {
    "TH10": ("กรุงเทพ", "กรุงเทพฯ", "กทม.", "กทม", "bangkok", "krungthep", "bkk"),
    "TH14": ("อยุธยา", "ayutthaya"),
    "TH30": ("โคราช", "korat"),
}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")  # nikhahit + (tone) + sara aa
_PREFIX = re.compile(
    r"สำนักงานเขตพื้นที่การศึกษา(?:ประถมศึกษา|มัธยมศึกษา)?|สพ[ปมท]\.?|จังหวัด|จ\.|province",
    re.IGNORECASE,
)
_DISTRICT = re.compile(r"เขต(?:ที่)?\s*[0-9๐-๙]*")
_NOISE = re.compile(r"และ|\band\b|[\s\d๐-๙,;:/\\+\-–—()\[\]._·ฯ'\"]+", re.IGNORECASE)


def normalise_name(text: str) -> str:
    """Thai text as one form: NFKC, sara am composed (ํา and ำ typed either way), zero-width
    characters removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _SARA_AM.sub(lambda m: m.group(1) + "\u0e33", text)
    return " ".join(text.split())


def _compact(text: str) -> str:
    """A name reduced to the letters that tell provinces apart: prefixes (สพป., สพม., จังหวัด,
    จ.), district numbers (เขต 1), separators, "และ" and spaces removed; lower case."""
    text = _PREFIX.sub(" ", normalise_name(text))
    text = _DISTRICT.sub(" ", text)
    return _NOISE.sub("", text).lower()


def boundaries_path() -> Path:
    """The shipped province boundaries (GeoJSON)."""
    return Path(__file__).resolve().parent.parent / "data" / "th-provinces.geojson"


def _rings(geometry: Mapping[str, Any]) -> tuple[tuple[Point, ...], ...]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return tuple(
        tuple((float(x), float(y)) for x, y in ring) for polygon in polygons for ring in polygon
    )


@lru_cache(maxsize=1)
def load_boundaries() -> Boundaries:
    """The shipped boundaries, read once per process."""
    data = json.loads(boundaries_path().read_text(encoding="utf-8"))
    provinces = []
    aliases: dict[str, str] = {}
    for feature in data["features"]:
        p = feature["properties"]
        province = Province(p["pcode"], p["name_th"], p["name_en"], _rings(feature["geometry"]))
        provinces.append(province)
        for name in (province.name_th, province.name_en, *_EXTRA_ALIASES.get(province.pcode, ())):
            aliases[_compact(name)] = province.pcode
    provinces.sort(key=lambda p: p.pcode)
    return Boundaries(tuple(provinces), aliases)


def match_provinces(text: str, boundaries: Boundaries | None = None) -> tuple[str, ...]:
    """The province codes a name or a province cell names, in the order written, or () when
    what is left after the prefixes and district numbers is not wholly province names.

    "สพป.เชียงใหม่ เขต 1" -> (TH50,); "สพม.พังงา ภูเก็ต ระนอง" -> (TH82, TH83, TH85);
    "กทม." -> (TH10,); "ลำปางลำพูน" (no space) -> (TH52, TH51); "สพป.ฟ้าใส" -> ().

    With the shipped boundaries the answer is kept by the text: a batch asks for each office's
    provinces several times (its round on the map, its feedback's group and picture).
    """
    if boundaries is None or boundaries is load_boundaries():
        return _match_shipped(text)
    return _match(text, boundaries)


@lru_cache(maxsize=4096)
def _match_shipped(text: str) -> tuple[str, ...]:
    return _match(text, load_boundaries())


def _match(text: str, found: Boundaries) -> tuple[str, ...]:
    compact = _compact(text)
    if not compact:
        return ()
    # Split the compact text into known names, longest first (a few hundred steps: names are
    # short, and of one length at most one name starts at a place).
    lengths = sorted({len(key) for key in found.aliases}, reverse=True)
    best: dict[int, tuple[str, ...] | None] = {len(compact): ()}
    for start in range(len(compact) - 1, -1, -1):
        best[start] = None
        for length in lengths:
            rest = best.get(start + length)
            code = None if rest is None else found.aliases.get(compact[start : start + length])
            if code is not None and rest is not None:
                best[start] = (code, *rest)
                break
    codes = best[0]
    return tuple(dict.fromkeys(codes)) if codes else ()


def provinces_of(province: str, name: str, boundaries: Boundaries | None = None) -> tuple[str, ...]:
    """An office's province codes: from the registry's province column when it names provinces,
    else from the office's name; () when neither does (the office is not placed: no guess)."""
    codes = match_provinces(province, boundaries) if province.strip() else ()
    return codes or match_provinces(name, boundaries)


@dataclass(frozen=True)
class Stat:
    """Count, exact sum and mean (sum / count rounded half-up once) of one score in one area."""

    count: int
    total: Decimal
    mean: Decimal | None

    @staticmethod
    def of(values: Sequence[Decimal], decimals: int) -> Stat:
        """The statistic of reported values."""
        total = sum(values, Decimal(0))
        if not values:
            return Stat(0, total, None)
        return Stat(len(values), total, round_half_up(Fraction(total) / len(values), decimals))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"count": self.count, "mean": number(self.mean)}


@dataclass(frozen=True)
class AreaScores:
    """The offices of one province, one region or the whole country, and their mean scores."""

    key: str  # province code, or the region's name
    name_th: str
    codes: tuple[str, ...]  # office codes
    scores: Mapping[str, Stat]  # by MAP_PARTS key ("change" only when a previous result is given)

    def mean(self, part: str) -> Decimal | None:
        """The mean of one part, or None when no office has that score."""
        stat = self.scores.get(part)
        return None if stat is None else stat.mean

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "name": self.name_th,
            "offices": len(self.codes),
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
        }


@dataclass
class Geography:
    """One round's results placed on the map."""

    boundaries: Boundaries
    decimals: int
    provinces: dict[str, AreaScores]  # by province code; only provinces served by an office
    regions: list[AreaScores]  # by name, UNKNOWN_REGION last
    national: AreaScores
    province_region: dict[str, str]  # province code -> region (from the offices in it)
    office_provinces: dict[str, tuple[str, ...]]  # office code -> province codes
    findings: list[Finding] = field(default_factory=list)
    has_change: bool = False

    def region_outlines(self) -> list[Segment]:
        """The edges that bound a region: edges between provinces of different regions (a
        province without one counts as its own), and edges no two provinces share (the coast
        and the country's border, drawn even when no office gives a region). Drawn thick over
        thin province borders, they show the regions without merging polygons."""
        sides: dict[Segment, list[str | None]] = {}
        for province in self.boundaries.provinces:
            region = self.province_region.get(province.pcode)
            for segment in self.boundaries.segments(province):
                sides.setdefault(segment, []).append(region)
        return sorted(
            segment
            for segment, regions in sides.items()
            if len(regions) == 1 or len(set(regions)) > 1
        )

    def region_lines(self) -> list[tuple[Point, ...]]:
        """:meth:`region_outlines` joined into lines (fewer, smoother strokes to draw)."""
        return join_segments(self.region_outlines())

    def to_dict(self) -> dict[str, Any]:
        """JSON form: provinces by code, regions, the country."""
        return {
            "provinces": {k: v.to_dict() for k, v in sorted(self.provinces.items())},
            "regions": [r.to_dict() for r in self.regions],
            "national": self.national.to_dict(),
            "unmatched": [f.to_dict() for f in self.findings],
        }


def join_segments(segments: Iterable[Segment]) -> list[tuple[Point, ...]]:
    """Segments joined end to end into lines: a line runs until it meets a point where it does
    not simply continue (an end, or where three or more segments meet); closed loops come back to
    their start. Deterministic: segments are taken in sorted order."""
    remaining = sorted(set(segments))
    at: dict[Point, list[Segment]] = {}
    for segment in remaining:
        for end in segment:
            at.setdefault(end, []).append(segment)
    used: set[Segment] = set()

    def walk(start: Point, first: Segment) -> tuple[Point, ...]:
        line = [start]
        point, segment = start, first
        while True:
            used.add(segment)
            point = segment[1] if segment[0] == point else segment[0]
            line.append(point)
            onward = [s for s in at[point] if s not in used]
            if len(at[point]) != 2 or not onward:
                return tuple(line)
            segment = onward[0]

    lines = []
    # Lines with ends first (points where the number of segments is not 2), then loops.
    for point in sorted(p for p, touching in at.items() if len(touching) != 2):
        for segment in at[point]:
            if segment not in used:
                lines.append(walk(point, segment))
    for segment in remaining:
        if segment not in used:
            lines.append(walk(segment[0], segment))
    return lines


def _values(offices: Sequence[OfficeScore], changes: Mapping[str, Decimal]) -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = {part: [] for part in MAP_PARTS}
    for office in offices:
        for part in MAP_PARTS[:3]:
            score = office.part(part)
            if score is not None:
                values[part].append(score)
        if office.code in changes:
            values["change"].append(changes[office.code])
    return values


def _area(
    key: str,
    name: str,
    offices: Sequence[OfficeScore],
    changes: Mapping[str, Decimal] | None,
    decimals: int,
) -> AreaScores:
    values = _values(offices, changes or {})
    parts = MAP_PARTS if changes is not None else MAP_PARTS[:3]
    return AreaScores(
        key,
        name,
        tuple(o.code for o in offices),
        {part: Stat.of(values[part], decimals) for part in parts},
    )


def _changes(
    offices: Sequence[OfficeScore], previous: Snapshot | Mapping[str, OfficeScore] | None
) -> dict[str, Decimal] | None:
    """Office code -> overall now minus overall before, for offices scored in both rounds."""
    if previous is None:
        return None
    before = previous.offices if isinstance(previous, Snapshot) else previous
    changes = {}
    for office in offices:
        earlier = before.get(office.code)
        if office.overall is not None and earlier is not None and earlier.overall is not None:
            changes[office.code] = office.overall - earlier.overall
    return changes


def _office_provinces(
    offices: Sequence[OfficeScore], boundaries: Boundaries
) -> tuple[dict[str, tuple[str, ...]], list[Finding]]:
    """Each office's provinces: the registry's province column first, else the office's name."""
    placed: dict[str, tuple[str, ...]] = {}
    findings = []
    for office in offices:
        codes = provinces_of(office.province, office.name, boundaries)
        if codes:
            placed[office.code] = codes
        else:
            findings.append(
                make_finding(
                    "map-province-unknown",
                    office=office.code,
                    name=office.name or "-",
                    province=office.province or office.name or "-",
                )
            )
    return placed, findings


def _vote(votes: Counter[tuple[str, int]]) -> str:
    """The region most offices of a province give (weighted), ties to the first name."""
    totals: Counter[str] = Counter()
    for (region, weight), count in votes.items():
        totals[region] += weight * count
    return min(totals, key=lambda name: (-totals[name], name))


def _region_order(name: str) -> tuple[bool, list[tuple[int, str]]]:
    """Regions by name with numbers in numeric order (เขต 2 before เขต 10); unknown last."""
    parts = re.split(r"(\d+)", name)
    return name == UNKNOWN_REGION, [(int(p), "") if p.isdigit() else (-1, p) for p in parts]


def geography(
    current: Snapshot | Iterable[OfficeScore],
    decimals: int,
    *,
    previous: Snapshot | Mapping[str, OfficeScore] | None = None,
    boundaries: Boundaries | None = None,
) -> Geography:
    """Place one round's scored offices on the map: each office's provinces, the exact means of
    every province and region (and of the country), and a finding for each office whose province
    is not found. ``decimals`` is the rubric's (``rubric.scoring.decimals``); with ``previous``
    the areas also carry the mean change of the overall score ("change")."""
    found = boundaries or load_boundaries()
    listed = current.scored() if isinstance(current, Snapshot) else list(current)
    offices = [o for o in listed if any(o.part(p) is not None for p in MAP_PARTS[:3])]
    changes = _changes(offices, previous)
    placed, findings = _office_provinces(offices, found)
    by_province: dict[str, list[OfficeScore]] = {}
    # Votes for each province's region: offices of that province alone weigh more than an office
    # of several provinces (สพม.อุทัยธานี ชัยนาท is northern; ชัยนาท is central).
    regions_of: dict[str, Counter[tuple[str, int]]] = {}
    by_region: dict[str, list[OfficeScore]] = {}
    for office in offices:
        region = office.region.strip() or UNKNOWN_REGION
        by_region.setdefault(region, []).append(office)
        for pcode in placed.get(office.code, ()):
            by_province.setdefault(pcode, []).append(office)
            if office.region.strip():
                alone = len(placed[office.code]) == 1
                votes = regions_of.setdefault(pcode, Counter())
                votes[office.region.strip(), 1000 if alone else 1] += 1
    provinces = {
        pcode: _area(pcode, found.get(pcode).name_th, group, changes, decimals)
        for pcode, group in sorted(by_province.items())
    }
    region_names = sorted(by_region, key=_region_order)
    return Geography(
        boundaries=found,
        decimals=decimals,
        provinces=provinces,
        regions=[_area(n, n, by_region[n], changes, decimals) for n in region_names],
        national=_area(NATIONAL, NATIONAL, offices, changes, decimals),
        province_region={pcode: _vote(votes) for pcode, votes in sorted(regions_of.items())},
        office_provinces=placed,
        findings=findings,
        has_change=changes is not None,
    )
