"""Records that pickle by their fields (core/records.py): a scored office crosses a pipe from
its worker and, in a large batch, a scratch file, exactly."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest

from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.core.records import pickled_by_fields
from pmqa_cli.rubric.model import Rubric

from .builders import SubmissionFactory, hand_case_submission


@pytest.fixture
def offices(mini: Rubric, make_submission: SubmissionFactory) -> list[ScoredOffice]:
    return [score_office(hand_case_submission(mini, make_submission), mini)]


def test_records_pickle_by_their_fields_and_refuse_what_init_would_not_copy(
    offices: list[ScoredOffice],
) -> None:
    scores = offices[0].scores
    assert scores is not None
    copy = pickle.loads(pickle.dumps(scores, pickle.HIGHEST_PROTOCOL))
    assert copy == scores and copy.issues[0].criteria[0].trace == scores.issues[0].criteria[0].trace
    # Rebuilt by the class itself, not by the dataclasses module's __setstate__.
    assert type(scores).__reduce__(scores)[0] is type(scores)

    @dataclass(frozen=True, slots=True)
    class Later:
        a: int
        b: int = field(init=False, default=0)

    @dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a > 0

    for cls in (Later, Checked):
        with pytest.raises(TypeError, match="must take every field"):
            pickled_by_fields(cls)
    assert pickle.loads(pickle.dumps(One((1, 2)))) == One((1, 2))  # one field: not spread


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class One:
    a: tuple[int, ...]
