"""A Thai terminal: no Thai word broken (a long title wraps between words), no grapheme cluster
split, headings on one line, --lang, and --help without internal placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.cli.lang import default_lang
from pmqa_cli.cli.thaitext import ThaiText, clusters, thai_words, truncate, wrap_offsets
from pmqa_cli.rubric.model import Rubric

from .builders import SubmissionFactory, complete

runner = CliRunner()
THAI = re.compile("[\u0e00-\u0e7f]")
MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# Box-drawing characters and the spaces around cells separate the runs of text in a table.
SEPARATORS = re.compile(r"[\s\u2500-\u257f]+")
#: Whether this system breaks Thai words (libthai); without it a title wider than its column
#: can only be folded at a cluster boundary.
WORDS = len(thai_words("การกำหนดทิศทาง")) > 1


def runs(output: str) -> list[str]:
    """Every run of text between spaces or table borders that contains Thai."""
    return [r for line in output.splitlines() for r in SEPARATORS.split(line) if THAI.search(r)]


def broken(output: str, reference: str) -> list[str]:
    """Runs of ``output`` that are not whole runs of ``reference`` (the same output rendered
    too wide to wrap), nor whole words of one (a long title wrapped between its words), nor a
    heading cut at a cluster boundary with "…"."""
    whole = set(runs(reference))
    parts = set()
    for run in whole:
        words = thai_words(run)
        parts |= {
            "".join(words[a:b]) for a in range(len(words)) for b in range(a + 1, len(words) + 1)
        }
    bad = []
    for run in runs(output):
        if run in whole or run in parts:
            continue
        if run.endswith("…") and any(w.startswith(run[:-1]) for w in whole):
            continue
        bad.append(run)
    return bad


def split_clusters(output: str) -> list[str]:
    """Lines where a Thai mark stands without its consonant (after a border, space, or start)."""
    return [
        line
        for line in output.splitlines()
        if re.search(r"(^|[\s\u2500-\u257f])" + MARK.pattern, line)
    ]


def invoke(args: list[str], columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = runner.invoke(app, ["--lang", "th", *args])
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture
def with_findings(shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    filled = complete(shipped)
    filled.answers["PM1-B1"] = None
    filled.answers["PM2-A1"] = "ไม่ผ่าน"
    filled.values["KPI-7.1.3"] = "ประมาณร้อยละแปดสิบห้า"
    filled.values["KPI-7.2.1"] = 0.875
    return make_submission(shipped, filled, name="P001.xlsx")


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize(
    "command",
    [["score", "{file}"], ["validate", "{file}"], ["rubric", "show"], ["rubric", "check"]],
    ids=["score", "validate", "rubric-show", "rubric-check"],
)
def test_no_thai_word_is_broken(
    command: list[str], columns: int, with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if command[0] == "score" and columns == 80 and not WORDS:
        pytest.skip("no Thai word breaker (libthai) here: a long title folds between clusters")
    args = [str(with_findings) if a == "{file}" else a for a in command]
    output = invoke(args, columns, monkeypatch)
    reference = invoke(args, 1000, monkeypatch)
    assert runs(output), "the output has Thai text"
    assert broken(output, reference) == []
    assert split_clusters(output) == []
    assert max(cell_len(line) for line in output.splitlines()) <= columns


def test_the_old_way_would_have_broken_words(
    with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check above can fail: the same text folded at the column edge, as rich folds it,
    # breaks words, and is caught.
    reference = invoke(["rubric", "show"], 1000, monkeypatch)
    folded = "\n".join(
        line[i : i + 30] for line in reference.splitlines() for i in range(0, len(line), 30)
    )
    assert broken(folded, reference)
    assert split_clusters(folded)


@pytest.mark.parametrize("columns", [80, 100])
def test_score_titles_wrap_whole_and_uncut(
    columns: int, shipped: Rubric, with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The analyst saw "ระบบดิจิ…" and "ค่าเป้าห…": every title is shown whole, its last word too.
    output = invoke(["score", str(with_findings)], columns, monkeypatch)
    assert [r for r in runs(output) if r.endswith("…")] == []
    shown = runs(output)
    for title in [*(i.title_th for i in shipped.issues), *(i.title_th for i in shipped.indicators)]:
        last = thai_words([r for r in title.split() if THAI.search(r)][-1])[-1]
        assert any(run.endswith(last) for run in shown), (title, last)


def test_a_long_thai_run_breaks_between_words() -> None:
    if not WORDS:
        pytest.skip("no Thai word breaker (libthai) on this system")
    title = "การกำหนดทิศทางองค์การและการขับเคลื่อนนโยบายสู่สถานศึกษา"
    assert thai_words(title)[-2:] == ["สถาน", "ศึกษา"]
    lines = [part.plain for part in ThaiText(title).lines(20)]
    assert "".join(lines) == title and all(cell_len(line) <= 20 for line in lines)
    assert lines[-1].endswith("ศึกษา") and all(line in title for line in lines)
    assert all(any("".join(thai_words(title)[:n]) == "".join(lines[:k]) for n in range(40))
               for k in range(1, len(lines)))  # fmt: skip


def test_titles_are_cut_on_one_line_at_a_cluster_boundary() -> None:
    title = "ตัวชี้วัด (หมวด 7) ผลลัพธ์การดำเนินการของสำนักงานเขตพื้นที่การศึกษา"
    for width in range(4, 40):
        cut = truncate(title, width)
        assert "\n" not in cut and cut.endswith("…")
        kept = cut[:-1]
        assert title.startswith(kept)
        # The cut falls between clusters: the next character is not a mark of the last one.
        assert not MARK.match(title[len(kept) : len(kept) + 1] or "x"), (width, cut)
    assert truncate("สั้น", 10) == "สั้น"


def test_clusters_keep_marks_with_their_consonant() -> None:
    assert clusters("ชี้วัด") == ["ชี้", "วั", "ด"]
    assert clusters("น้ำ") == ["น้", "ำ"]  # sara am is a spacing vowel: a cluster of its own


def test_wrapping_breaks_only_at_spaces_while_a_run_fits() -> None:
    text = "การบริหารงบประมาณ และความพร้อมต่อภาวะฉุกเฉิน ของสำนักงาน"
    offsets = wrap_offsets(text, 30)
    assert offsets and all(text[o - 1] == " " for o in offsets)
    # A run wider than the whole width breaks between clusters, never inside one.
    for offset in wrap_offsets("ตัวชี้วัดตัวชี้วัดตัวชี้วัด", 5):
        assert not MARK.match("ตัวชี้วัดตัวชี้วัดตัวชี้วัด"[offset])
    lines = ThaiText(text).lines(30)
    assert [line.plain for line in lines] == [
        "การบริหารงบประมาณ",
        "และความพร้อมต่อภาวะฉุกเฉิน",
        "ของสำนักงาน",
    ]


def test_lang_picks_the_terminal_language(
    with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    thai = runner.invoke(app, ["--lang", "th", "score", str(with_findings)]).output
    english = runner.invoke(app, ["--lang", "en", "score", str(with_findings)]).output
    assert "คะแนนรวม" in thai and "Overall" not in thai
    assert "Overall" in english and "คะแนนรวม" not in english
    # Internal words never reach a person: no "does not apply", no Python True/None.
    for output in (thai, english):
        assert "does not apply" not in output and "True" not in output and "None" not in output
    bad = runner.invoke(app, ["--lang", "fr", "score", str(with_findings)])
    assert bad.exit_code == 2 and "th or en" in bad.output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PMQA_LANG": "th"}, "th"),
        ({"LANG": "th_TH.UTF-8"}, "th"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "th_TH.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_default_language_comes_from_the_locale(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PMQA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_lang() == expected


COMMANDS = [[], ["template"], ["validate"], ["score"], ["sample"], ["batch"], ["compare"],
            ["rubric"],
            ["rubric", "check"], ["rubric", "show"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "pmqa")
@pytest.mark.parametrize("columns", [80, 120])
def test_help_reads_cleanly(
    command: list[str], columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    for placeholder in ("{", "}", "<list", "<path>", "<file>", "<int", "<float", "x>=", "<str>"):
        assert placeholder not in text, (placeholder, text)
    # Command lists are not cut short with "...".
    commands = text.split("Commands:")[1] if "Commands:" in text else ""
    assert "..." not in commands, text
