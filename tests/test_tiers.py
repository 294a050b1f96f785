"""Which tiers of an issue count and which comes next (assess/tiers.py): the one rule that
validation, scoring, the next steps and the feedback read, checked by hand on the mini rubric
(issue I1: basic C1-C3 share 300 points, advance C4-C5 share 100, significance C6 has 100)."""

from __future__ import annotations

from fractions import Fraction

from pmqa_cli.assess.answers import Answers
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.assess.tiers import next_tier, tiers_met
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.rubric.model import OfficeType, Rubric


def _met(*ids: str, unanswered: tuple[str, ...] = ()) -> dict[str, bool | None]:
    met: dict[str, bool | None] = {f"C{i}": f"C{i}" in ids for i in range(1, 10)}
    met.update(dict.fromkeys(unanswered))
    return met


def test_a_tier_counts_only_above_complete_tiers(mini: Rubric) -> None:
    issue = mini.issues[0]
    # Basic incomplete (C2 not met): advance and significance earn nothing, whatever is met.
    tiers = list(tiers_met(mini, issue, _met("C1", "C3", "C4", "C5", "C6")))
    assert [t.tier.id for t in tiers] == ["basic", "advance", "significance"]
    assert [t.counted for t in tiers] == [True, False, False]
    assert [t.complete for t in tiers] == [False, True, True]
    assert [t.earned for t in tiers] == [Fraction(200), 0, 0]  # 2 of 3 shares of 300
    assert tiers[0].share == Fraction(100)
    # Basic complete, advance half met: significance, met, still earns nothing.
    tiers = list(tiers_met(mini, issue, _met("C1", "C2", "C3", "C4", "C6")))
    assert [t.counted for t in tiers] == [True, True, False]
    assert [t.earned for t in tiers] == [Fraction(300), Fraction(50), 0]


def test_an_unanswered_criterion_completes_no_tier(mini: Rubric) -> None:
    tiers = list(tiers_met(mini, mini.issues[0], _met("C1", "C3", unanswered=("C2",))))
    assert tiers[0].answers == [True, None, True]
    assert not tiers[0].complete and not tiers[1].counted


def test_the_next_tier_is_the_lowest_incomplete_one_with_its_unmet_criteria(
    mini: Rubric,
) -> None:
    issue = mini.issues[0]
    found = next_tier(issue, _met("C1", "C4", "C5", "C6", unanswered=("C3",)))
    assert found is not None
    assert found.tier.id == "basic"
    assert [c.id for c in found.unmet] == ["C2", "C3"]  # not answered is not met
    found = next_tier(issue, _met("C1", "C2", "C3", "C4", "C5"))
    assert found is not None and found.tier.id == "significance"
    assert next_tier(issue, _met("C1", "C2", "C3", "C4", "C5", "C6")) is None


def test_validation_and_scoring_read_the_same_rule(mini: Rubric) -> None:
    """A criterion met above an incomplete tier: validation warns that it earns nothing yet,
    and scoring gives it nothing (the issue scores basic's 2 of 3 shares alone)."""
    answers = Answers(OfficeType.PRIMARY, _met("C1", "C3", "C4", "C5", "C6", "C7"))
    gated = [f for f in validate_answers(mini, answers).findings if f.code == "tier-gated"]
    assert [(f.item_id, f.severity.value) for f in gated] == [("I1", "warning"), ("I1", "warning")]
    issue = score_answers(mini, answers).issues[0]
    assert issue.exact == Fraction(200)
    assert [(t.id, t.counted, t.complete) for t in issue.tiers] == [
        ("basic", True, False),
        ("advance", False, True),
        ("significance", False, True),
    ]
