"""Where an office stands: ranks and exact national and type means (hand-computed)."""

from __future__ import annotations

from decimal import Decimal

from pmqa_cli.report.standing import Peer, distribution, standings


def test_means_are_exact_over_the_offices_that_have_a_score() -> None:
    peers = [
        Peer("a.xlsx", "สพป.", 1, 1, {"overall": 400.0, "PM1": 500.0, "KPI": 300.0}),
        Peer("b.xlsx", "สพป.", 2, 2, {"overall": 350.1, "PM1": 400.0, "KPI": None}),
        Peer("c.xlsx", "สพม.", 3, 1, {"overall": 300.2, "PM1": 100.0, "KPI": 200.0}),
    ]
    places = standings(peers, 4)
    a, c = places["a.xlsx"], places["c.xlsx"]
    # National: (400 + 350.1 + 300.2) / 3 = 350.1 exactly; PM1 (500 + 400 + 100) / 3.
    assert a.national["overall"] == Decimal("350.1")
    assert a.national["PM1"] == Decimal("333.3333")  # 1000/3, rounded once as reported
    # An indicator that does not count for an office is left out of the mean, not counted 0.
    assert a.national["KPI"] == Decimal(250)
    assert a.of_type["overall"] == Decimal("375.05") and a.of_type["KPI"] == Decimal(300)
    assert c.of_type["PM1"] == Decimal(100)
    assert (a.rank, a.offices, a.rank_in_type, a.offices_of_type) == (1, 3, 1, 2)
    assert (c.rank_in_type, c.offices_of_type, c.office_type) == (1, 1, "สพม.")


def test_no_office_with_a_score_gives_no_mean() -> None:
    places = standings([Peer("a.xlsx", "", None, None, {"overall": None})], 4)
    assert places["a.xlsx"].national["overall"] is None


def test_an_exact_half_mean_rounds_up_once() -> None:
    # (400 + 350.1) / 2 = 375.05 exactly, a half at one decimal: 375.1.
    peers = [
        Peer("a.xlsx", "สพป.", 1, 1, {"overall": Decimal("400.0")}),
        Peer("b.xlsx", "สพป.", 2, 2, {"overall": Decimal("350.1")}),
    ]
    assert standings(peers, 1)["a.xlsx"].national["overall"] == Decimal("375.1")


def test_the_distribution_puts_each_score_in_its_band_exactly() -> None:
    peers = [
        Peer(f"{n}.xlsx", "", 1, 1, {"overall": Decimal(v) if v is not None else None})
        for n, v in enumerate(["0", "24.9999", "25", "499.9999", "500", None, "250.0000"])
    ]
    spread = distribution(peers, Decimal(500), 20)
    assert len(spread) == 20 and sum(spread) == 6  # the office without a score is left out
    assert spread[0] == 2  # 0 and 24.9999
    assert spread[1] == 1  # 25 starts the second band
    assert spread[10] == 1  # 250
    assert spread[19] == 2  # 499.9999 and the top score itself


def test_a_count_axis_steps_by_a_round_number_of_offices() -> None:
    """The feedback's distribution chart counts offices: whole, round steps, at most six."""
    from pmqa_cli.report.standing_sheet import count_step

    cases = {0: 1, 2: 1, 6: 1, 7: 2, 12: 2, 13: 5, 41: 10, 61: 20, 245: 50, 10_000: 2000}
    assert {largest: count_step(largest) for largest in cases} == cases
