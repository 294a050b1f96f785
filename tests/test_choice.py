"""The one rule that picks between two different files of one office, used by batch and
review-sheet alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from pmqa_cli.assess.submission import choose


class File(NamedTuple):
    path: Path
    submitted: date | None


def pick(*files: File) -> Path:
    return choose(list(files), lambda f: f.submitted, lambda f: f.path).path


def test_the_later_submission_date_wins_whatever_the_name() -> None:
    early = File(Path("z/P001-z.xlsx"), date(2024, 7, 1))
    late = File(Path("a/P001-a.xlsx"), date(2024, 7, 2))
    assert pick(early, late) == late.path
    assert pick(late, early) == late.path


def test_a_missing_date_loses_to_any_date() -> None:
    assert pick(File(Path("b.xlsx"), None), File(Path("a.xlsx"), date(2000, 1, 1))) == Path(
        "a.xlsx"
    )


def test_same_date_the_later_file_name_then_the_first_folder() -> None:
    day = date(2024, 7, 1)
    assert pick(File(Path("x/a.xlsx"), day), File(Path("x/b.xlsx"), day)) == Path("x/b.xlsx")
    # Equal names in two folders: the first folder in path order, in any input order.
    one, two = File(Path("1/s.xlsx"), day), File(Path("2/s.xlsx"), day)
    assert pick(one, two) == pick(two, one) == Path("1/s.xlsx")
