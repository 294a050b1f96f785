"""Offices placed on the map: province matching on real office names, unknown provinces as
findings, exact means of provinces and regions, and the region outlines."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest

from pmqa_cli.compare.geography import (
    NATIONAL,
    UNKNOWN_REGION,
    Boundaries,
    Geography,
    boundaries_path,
    geography,
    join_segments,
    load_boundaries,
    match_provinces,
)
from pmqa_cli.compare.geography import _compact as geography_compact
from pmqa_cli.compare.snapshot import OfficeScore, Snapshot
from pmqa_cli.core.findings import CATALOGUE, Severity
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.registry import load_registry, sample_registry_path
from pmqa_cli.rubric.model import OfficeType


def _office(
    code: str,
    name: str,
    overall: str | None,
    *,
    province: str = "",
    region: str = "",
    pmqa: str | None = None,
    results: str | None = None,
) -> OfficeScore:
    def d(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    return OfficeScore(
        code, name, OfficeType.PRIMARY, province, region, d(overall), d(pmqa), d(results)
    )


def test_the_shipped_boundaries_are_the_77_provinces_with_their_attribution() -> None:
    found = load_boundaries()
    assert len(found.provinces) == 77
    assert len({p.pcode for p in found.provinces}) == 77
    assert found.get("TH10").name_th == "กรุงเทพมหานคร"
    assert found.get("TH38").name_en == "Bueng Kan"
    notice = boundaries_path().with_name("th-provinces.NOTICE").read_text(encoding="utf-8")
    assert "CC BY-IGO 3.0" in notice and "Royal Thai Survey Department" in notice
    # The copy in the package is the shared reference file, unchanged.
    data = json.loads(boundaries_path().read_text(encoding="utf-8"))
    assert [f["properties"]["pcode"] for f in data["features"]][:2] == ["TH10", "TH11"]


def test_every_office_of_the_shipped_registry_matches_its_provinces_by_name_and_column() -> None:
    registry = load_registry(sample_registry_path())
    assert len(registry) == 245
    covered: set[str] = set()
    for office in registry:
        by_name = match_provinces(office.name)
        by_column = match_provinces(office.province)
        assert by_name, office.name
        assert by_name == by_column, (office.name, office.province)
        covered |= set(by_name)
    assert len(covered) == 77  # every province has an office
    assert match_provinces("สพม.พังงา ภูเก็ต ระนอง") == ("TH82", "TH83", "TH85")
    assert match_provinces("สพม.ลำปาง ลำพูน") == ("TH52", "TH51")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("สพป.เชียงใหม่ เขต 1", ("TH50",)),
        ("สพป. เชียงใหม่  เขต ๑", ("TH50",)),  # Thai digit, doubled space
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษากรุงเทพมหานคร", ("TH10",)),
        ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาเชียงใหม่ แม่ฮ่องสอน", ("TH50", "TH58")),
        ("สพม.กรุงเทพมหานคร เขต 2", ("TH10",)),
        ("กรุงเทพฯ", ("TH10",)),
        ("กทม.", ("TH10",)),
        ("จังหวัดพระนครศรีอยุธยา", ("TH14",)),
        ("จ.ลำปาง, จ.ลำพูน", ("TH52", "TH51")),
        ("ลำปางลำพูน", ("TH52", "TH51")),  # no space between the two
        ("ลำปาง และ ลำพูน", ("TH52", "TH51")),
        ("สพป.ลํปาง เขต 2".replace("ลํปาง", "ล\u0e4d\u0e32ปาง"), ("TH52",)),  # ํ + า typed apart
        ("\u200bสพป.น่าน\u200b เขต 1", ("TH55",)),  # zero-width spaces from a web form
        ("Chiang Mai", ("TH50",)),
        ("Nakhon Si Thammarat", ("TH80",)),
        ("สพป.ฟ้าใส เขต 1", ()),
        ("สพป.เชียงใหม่ ฟ้าใส", ()),  # a word left over that is no province
        ("", ()),
        ("สพป.", ()),
    ],
)
def test_province_names_as_offices_write_them(text: str, expected: tuple[str, ...]) -> None:
    assert match_provinces(text) == expected


def test_the_shipped_boundaries_answer_is_kept_and_other_boundaries_get_their_own() -> None:
    from pmqa_cli.compare import geography as geo_module

    shipped = load_boundaries()
    text = "สพม.พังงา ภูเก็ต ระนอง เขต 3"
    first = match_provinces(text)
    hits = geo_module._match_shipped.cache_info().hits
    assert match_provinces(text, shipped) is first  # kept: the same answer, not worked out again
    assert geo_module._match_shipped.cache_info().hits == hits + 1
    # Boundaries of one's own (a test's, a future file's) are never answered from the shipped.
    own = Boundaries(shipped.provinces, {"พังงา": "TH82", "ภูเก็ตระนอง": "TH83"})
    assert match_provinces(text, own) == ("TH82", "TH83")
    assert match_provinces("ระนอง", own) == ()


def _match_by_every_key(text: str, aliases: dict[str, str]) -> tuple[str, ...]:
    """The split as it was first written: every name tried at every place, longest first."""
    compact = geography_compact(text)
    keys = sorted(aliases, key=len, reverse=True)
    best: dict[int, tuple[str, ...] | None] = {len(compact): ()}
    for start in range(len(compact) - 1, -1, -1):
        best[start] = None
        for key in keys:
            rest = best.get(start + len(key))
            if rest is not None and compact.startswith(key, start):
                best[start] = (aliases[key], *rest)
                break
    codes = best[0] if compact else ()
    return tuple(dict.fromkeys(codes)) if codes else ()


def test_the_split_by_name_length_answers_as_trying_every_name() -> None:
    shipped = load_boundaries()
    texts = [o.name for o in load_registry(sample_registry_path())]
    texts += ["ลำปางลำพูน", "สพป.เชียงใหม่ ฟ้าใส", "กทม.", "Nakhon Si Thammarat", "", "ชัยนาทชัย"]
    own = Boundaries(shipped.provinces, {**shipped.aliases, "ชัย": "TH18", "นาทชัย": "TH36"})
    for text in texts:
        assert match_provinces(text) == _match_by_every_key(text, dict(shipped.aliases)), text
        assert match_provinces(text, own) == _match_by_every_key(text, dict(own.aliases)), text


def test_an_office_whose_province_is_not_found_is_a_finding_and_counts_in_its_region() -> None:
    offices = [
        _office("P1", "สพป.เชียงใหม่ เขต 1", "300", region="ภาคเหนือ"),
        _office("P2", "สพป.ดาวอังคาร เขต 1", "400", region="ภาคเหนือ"),
    ]
    geo = geography(offices, 4)
    assert "map-province-unknown" in CATALOGUE
    (finding,) = geo.findings
    assert finding.code == "map-province-unknown"
    assert finding.severity is Severity.WARNING
    assert "P2" in finding.message_en and "ดาวอังคาร" in finding.message_th
    assert "province column" in finding.message_en
    assert set(geo.provinces) == {"TH50"}
    assert "P2" not in geo.office_provinces
    (north,) = geo.regions
    assert north.mean("overall") == Decimal("350.0000")  # still in its region's mean


def test_the_registry_province_column_wins_and_the_name_is_the_fallback() -> None:
    offices = [
        # The column names the province although the name does not.
        _office("A", "สำนักงานเขตที่ 9", "300", province="จ.ตาก"),
        # A column with a typo: the office's name still places it.
        _office("B", "สพป.ตาก เขต 2", "301", province="ตากก"),
    ]
    geo = geography(offices, 2)
    assert geo.office_provinces == {"A": ("TH63",), "B": ("TH63",)}
    assert geo.findings == []


def test_province_and_region_means_are_exact() -> None:
    offices = [
        _office("1", "สพป.ลำปาง เขต 1", "300.1", region="ภาคเหนือ", pmqa="310", results="290"),
        _office("2", "สพป.ลำปาง เขต 2", "300.2", region="ภาคเหนือ", pmqa="320"),
        _office("3", "สพป.ลำปาง เขต 3", "300.2", region="ภาคเหนือ", pmqa="331"),
        _office("4", "สพม.ลำปาง ลำพูน", "410", region="ภาคเหนือ"),
        _office("5", "สพป.ชลบุรี เขต 1", "333.3333", region="ภาคตะวันออก"),
        _office("6", "สพป.ระยอง เขต 1", "250", region=""),
    ]
    geo = geography(offices, 4)
    lampang = geo.provinces["TH52"]
    assert lampang.codes == ("1", "2", "3", "4")
    overall = lampang.scores["overall"]
    assert overall.count == 4
    assert overall.total == Decimal("1310.5")
    assert overall.mean == Decimal("327.6250")  # 1310.5 / 4
    # The secondary office of two provinces counts, whole, in each of them.
    assert geo.provinces["TH51"].mean("overall") == Decimal("410.0000")
    assert geo.provinces["TH51"].codes == ("4",)
    # A mean that does not end: the exact fraction, rounded half-up once.
    pmqa = lampang.scores["pmqa"]
    assert (pmqa.count, pmqa.mean) == (3, Decimal("320.3333"))  # 961 / 3
    assert lampang.scores["results"].count == 1
    north = next(r for r in geo.regions if r.key == "ภาคเหนือ")
    expected = Fraction("300.1") + Fraction("300.2") * 2 + 410
    assert north.mean("overall") == round_half_up(expected / 4, 4) == Decimal("327.6250")
    everyone = [Fraction(o.overall) for o in offices if o.overall is not None]
    assert geo.national.key == NATIONAL
    assert geo.national.mean("overall") == round_half_up(sum(everyone) / 6, 4)
    assert geo.national.mean("overall") == Decimal("315.6389")  # 1893.8333 / 6 = 315.63888...
    # An office without a region is listed under UNKNOWN_REGION, last.
    assert [r.key for r in geo.regions] == ["ภาคตะวันออก", "ภาคเหนือ", UNKNOWN_REGION]
    assert geo.province_region == {"TH20": "ภาคตะวันออก", "TH51": "ภาคเหนือ", "TH52": "ภาคเหนือ"}


def test_thirds_round_half_up_once_from_the_exact_fraction() -> None:
    offices = [_office(str(n), "สพป.ตาก เขต 1", v) for n, v in enumerate(["1", "1", "0.0005"])]
    geo = geography(offices, 3)
    # (2.0005) / 3 = 0.66683333...: 0.667, not a Decimal-context artefact.
    assert geo.provinces["TH63"].mean("overall") == Decimal("0.667")
    assert geography(offices[:2], 0).provinces["TH63"].mean("overall") == Decimal("1")


def test_change_since_the_previous_result_counts_offices_in_both_rounds() -> None:
    now = [
        _office("1", "สพป.น่าน เขต 1", "320.5", region="ภาคเหนือ"),
        _office("2", "สพป.น่าน เขต 2", "300", region="ภาคเหนือ"),
        _office("3", "สพป.น่าน เขต 3", "280", region="ภาคเหนือ"),  # new this round
    ]
    before = Snapshot(
        "2566",
        "",
        {
            "1": _office("1", "สพป.น่าน เขต 1", "300"),
            "2": _office("2", "สพป.น่าน เขต 2", "310.25"),
        },
    )
    geo = geography(now, 4, previous=before)
    assert geo.has_change
    change = geo.provinces["TH55"].scores["change"]
    assert change.count == 2
    assert change.total == Decimal("10.25")  # +20.5 and -10.25
    assert change.mean == Decimal("5.1250")
    assert geography(now, 4).has_change is False
    assert "change" not in geography(now, 4).provinces["TH55"].scores


def _outline(geo: Geography) -> set[tuple[tuple[float, float], tuple[float, float]]]:
    return set(geo.region_outlines())


def test_a_province_takes_the_region_of_its_own_offices_before_a_shared_one() -> None:
    offices = [
        _office("1", "สพม.อุทัยธานี ชัยนาท", "300", region="ภาคเหนือ"),
        _office("2", "สพป.ชัยนาท", "300", region="ภาคกลาง"),
    ]
    # One vote each, but the primary office serves ชัยนาท alone, so its region wins.
    assert geography(offices, 2).province_region == {"TH18": "ภาคกลาง", "TH61": "ภาคเหนือ"}
    # Also when its name sorts after the other (a plain tie would go to the first name).
    offices[1] = _office("2", "สพป.ชัยนาท", "300", region="ภาคไกล")
    assert sorted(["ภาคไกล", "ภาคเหนือ"])[0] == "ภาคเหนือ"
    assert geography(offices, 2).province_region["TH18"] == "ภาคไกล"


def test_region_outlines_follow_region_borders_not_province_borders() -> None:
    registry = load_registry(sample_registry_path())
    offices = [
        OfficeScore(o.code, o.name, o.type, o.province, o.region, Decimal(300)) for o in registry
    ]
    geo = geography(offices, 4)
    assert len(set(geo.province_region.values())) == 6
    # ชัยนาท: its primary office says central, the secondary office it shares with อุทัยธานี
    # (northern) says north; the office of that province alone decides.
    assert geo.province_region["TH18"] == "ภาคกลาง"
    assert geo.province_region["TH61"] == "ภาคเหนือ"
    assert geo.province_region["TH25"] == "ภาคตะวันออก"  # ปราจีนบุรี, shared with นครนายก
    edges = _outline(geo)
    found = geo.boundaries
    lampang, lamphun = found.get("TH52"), found.get("TH51")  # both northern, neighbours
    shared = set(found.segments(lampang)) & set(found.segments(lamphun))
    assert shared and not shared & edges  # a border inside a region is not drawn thick
    korat, chaiyaphum = found.get("TH30"), found.get("TH36")  # both north-eastern
    assert not (set(found.segments(korat)) & set(found.segments(chaiyaphum))) & edges
    saraburi = found.get("TH19")  # central, next to Nakhon Ratchasima (north-eastern)
    across = set(found.segments(saraburi)) & set(found.segments(korat))
    assert across and across <= edges  # a border between two regions is
    phuket = found.get("TH83")  # an island: all of its coast bounds the southern region
    assert set(found.segments(phuket)) <= edges


def test_to_dict_gives_means_as_numbers() -> None:
    geo = geography([_office("1", "สพป.ตาก เขต 1", "300.5", region="ภาคเหนือ")], 2)
    data = geo.to_dict()
    assert data["provinces"]["TH63"]["scores"]["overall"] == {"count": 1, "mean": 300.5}
    assert data["national"]["offices"] == 1
    assert data["unmatched"] == []


def test_outline_segments_join_into_lines_that_use_each_segment_once() -> None:
    registry = load_registry(sample_registry_path())
    offices = [
        OfficeScore(o.code, o.name, o.type, o.province, o.region, Decimal(300)) for o in registry
    ]
    geo = geography(offices, 4)
    segments = geo.region_outlines()
    lines = geo.region_lines()
    assert len(lines) < len(segments) / 5
    rebuilt = [tuple(sorted(pair)) for line in lines for pair in pairwise(line)]
    assert sorted(rebuilt) == sorted(segments)
    square = [((0.0, 0.0), (0.0, 1.0)), ((0.0, 1.0), (1.0, 1.0)), ((1.0, 0.0), (1.0, 1.0)),
              ((0.0, 0.0), (1.0, 0.0))]  # fmt: skip
    (loop,) = join_segments(square)
    assert loop[0] == loop[-1] and len(loop) == 5


def test_regions_are_listed_with_numbers_in_order() -> None:
    offices = [
        _office(str(n), "สพป.ตาก เขต 1", "300", region=f"เขตตรวจราชการที่ {n}") for n in (10, 2, 1)
    ]
    offices.append(_office("x", "สพป.ตาก เขต 2", "300"))
    names = [r.name_th for r in geography(offices, 2).regions]
    assert names == ["เขตตรวจราชการที่ 1", "เขตตรวจราชการที่ 2", "เขตตรวจราชการที่ 10", UNKNOWN_REGION]


def test_without_regions_the_outline_is_the_coast_and_the_border() -> None:
    geo = geography([_office("1", "สพป.ตาก เขต 1", "300")], 2)  # no registry: no region
    assert geo.province_region == {}
    edges = set(geo.region_outlines())
    found = geo.boundaries
    inner = set(found.segments(found.get("TH52"))) & set(found.segments(found.get("TH51")))
    assert edges and not inner & edges
    assert set(found.segments(found.get("TH83"))) <= edges  # ภูเก็ต's coast
    assert [r.key for r in geo.regions] == [UNKNOWN_REGION]
