"""Where an office stands among the others of a batch: its ranks and the means it is set beside.

For each scored office: its rank overall and within its type (the batch's competition ranks),
and for every part, issue and indicator the national mean and the mean of offices of its type,
taken over the reported (rounded) scores as the statistics sheet takes them, exactly (Decimal),
rounded once for showing. A single ``pmqa score`` has no batch, so no standing: its feedback
says so instead of showing numbers that would need other offices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.core.numbers import as_decimal, round_half_up
from pmqa_cli.report.locator import Locator

__all__ = ["Peer", "Standing", "distribution", "peer_of", "standings"]


@dataclass(frozen=True)
class Peer:
    """What the standing needs of one scored office."""

    code: str
    office_type: str  # the type's Thai abbreviation (สพป. / สพม.), "" when unknown
    rank: int | None
    rank_in_type: int | None
    scores: Mapping[str, Any]  # "overall", "pmqa", "results", issue ids, indicator ids


@dataclass(frozen=True)
class Standing:
    """One office among the others."""

    rank: int | None
    rank_in_type: int | None
    offices: int  # offices ranked
    offices_of_type: int
    office_type: str
    national: Mapping[str, Decimal | None]  # key -> mean over every office with a score
    of_type: Mapping[str, Decimal | None]  # key -> mean over offices of this type
    #: The national distribution of the overall score: offices per band of ``bin_width``
    #: points from 0 (the last bin holds the top score too); the feedback draws it.
    distribution: tuple[int, ...] = ()
    bin_width: Decimal = Decimal(25)
    change: Decimal | None = None  # the overall score's change since the previous result
    previous_label: str = ""  # that result's label (e.g. 2566)
    #: The office's province on the map (report/locator.py), or the line saying why there is
    #: no map; None when no map was asked for.
    locator: Locator | None = None


def _means(peers: Iterable[Peer], decimals: int) -> dict[str, Decimal | None]:
    """Each key's mean over the peers with a score, exact, then rounded once as reported."""
    sums: dict[str, Fraction] = {}
    counts: dict[str, int] = {}
    for peer in peers:
        for key, value in peer.scores.items():
            counts.setdefault(key, 0)
            if value is None:
                continue
            sums[key] = sums.get(key, Fraction(0)) + Fraction(as_decimal(value))
            counts[key] += 1
    return {key: (round_half_up(sums[key] / n, decimals) if n else None)
            for key, n in counts.items()}  # fmt: skip


def distribution(peers: Iterable[Peer], top: Decimal, bins: int) -> tuple[int, ...]:
    """How many offices' overall scores fall in each of ``bins`` equal bands from 0 to ``top``
    (a score of exactly ``top`` counts in the last band), decided exactly on Decimals."""
    counts = [0] * bins
    for peer in peers:
        score = peer.scores.get("overall")
        if score is None:
            continue
        at = int(Fraction(as_decimal(score)) * bins / Fraction(top))
        counts[max(0, min(at, bins - 1))] += 1
    return tuple(counts)


def standings(
    peers: Iterable[Peer],
    decimals: int,
    *,
    top: Decimal = Decimal(500),
    changes: Mapping[str, Decimal] | None = None,
    previous_label: str = "",
    bins: int = 20,
) -> dict[str, Standing]:
    """Every office's standing, by the peer's code (a batch keys peers by path). ``top`` is the
    highest overall score (the rubric's), ``changes`` each office's change since
    ``previous_label``, by code."""
    everyone = list(peers)
    spread = distribution(everyone, top, bins)
    national = _means(everyone, decimals)
    by_type: dict[str, list[Peer]] = {}
    for peer in everyone:
        by_type.setdefault(peer.office_type, []).append(peer)
    type_means = {kind: _means(group, decimals) for kind, group in by_type.items()}
    ranked = sum(1 for p in everyone if p.rank is not None)
    # Each type's ranked offices counted once, not once per office (a national batch: 10,000).
    ranked_of_type = {kind: sum(1 for p in group if p.rank_in_type is not None)
                      for kind, group in by_type.items()}  # fmt: skip
    out: dict[str, Standing] = {}
    for peer in everyone:
        out[peer.code] = Standing(
            rank=peer.rank,
            rank_in_type=peer.rank_in_type,
            offices=ranked,
            offices_of_type=ranked_of_type[peer.office_type],
            office_type=peer.office_type,
            national=national,
            of_type=type_means[peer.office_type],
            distribution=spread,
            bin_width=top / bins,
            change=(changes or {}).get(peer.code),
            previous_label=previous_label,
        )
    return out


def peer_of(office: ScoredOffice) -> Peer:
    """A scored office of a batch as a peer, keyed by its path (codes may repeat or be empty)."""
    scores: dict[str, Any] = {}
    if office.scores is not None:
        own = office.scores
        scores = {"overall": own.overall, "pmqa": own.pmqa.score, "results": own.results.score}
        scores.update({i.id: i.score for i in own.issues})
        scores.update({i.id: i.counted_score for i in own.indicators})
    kind = office.office.type.abbrev_th if office.office.type else ""
    return Peer(office.path, kind, office.rank, office.rank_in_type, scores)
