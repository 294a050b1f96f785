"""Feedback file names from office codes: safe on Windows and Linux, unique, stable."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmqa_cli.report.names import MAX_NAME_BYTES, NamedFile, safe_stem, unique_names

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def names(*codes: str, suffix: str = ".xlsx") -> list[str]:
    return unique_names([NamedFile(c, f"{n}.xlsx") for n, c in enumerate(codes)], suffix)


def test_a_code_that_is_already_a_good_name_is_the_name() -> None:
    assert names("P001", "S042") == ["P001.xlsx", "S042.xlsx"]


def test_codes_differing_only_in_punctuation_get_three_files() -> None:
    got = names("P.002", "P:002", "P/002", "P_002")
    assert len({n.casefold() for n in got}) == 4
    assert all(n.startswith("P_002") for n in got)
    # Stable: each name depends on its own code only, not on which others are in the batch.
    assert names("P/002") == [got[2]]
    assert names("P_002", "P:002") == [got[3], got[1]]


def test_thai_vowel_and_tone_marks_are_kept() -> None:
    code = "สพป.เชียงใหม่ เขต 1"
    stem = safe_stem(code)
    assert "ชียงใหม่" in stem  # the sara i and mai ek stay on their letters
    assert stem.startswith("สพป_เชียงใหม่_เขต_1")


@pytest.mark.parametrize("code", ["CON", "nul", "Com1", "LPT9", "aux"])
def test_windows_reserved_device_names_are_never_produced(code: str) -> None:
    (name,) = names(code)
    assert Path(name).stem.split("-")[0].casefold() != code.casefold()


def test_a_code_too_long_for_a_file_name_is_cut_between_letters_and_stays_unique() -> None:
    long_thai = "ก่" * 200  # 6 bytes each in UTF-8
    a, b = names(long_thai + "1", long_thai + "2")
    for name in (a, b):
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
        stem = name.removesuffix(".xlsx").rsplit("-", 1)[0]
        assert stem.endswith("ก่")  # never a letter without its tone mark
    assert a != b


def test_two_files_with_one_code_get_two_names() -> None:
    got = unique_names(
        [NamedFile("P001", "a/P001.xlsx"), NamedFile("P001", "b/P001.xlsx")], ".xlsx"
    )
    assert got[0] != got[1]


def test_a_code_with_nothing_usable_is_named_unknown_and_still_unique() -> None:
    a, b = names("...", "")
    assert a.startswith("unknown-") and b.startswith("unknown-") and a != b


@given(st.lists(st.text(min_size=0, max_size=120), min_size=1, max_size=12))
def test_any_codes_give_distinct_valid_names(codes: list[str]) -> None:
    got = names(*codes)
    assert len({n.casefold() for n in got}) == len(got)
    for name in got:
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert not WINDOWS_FORBIDDEN & set(name)
        assert name == unicodedata.normalize("NFC", name)
        assert not name.startswith((".", " ")) and name.endswith(".xlsx")
