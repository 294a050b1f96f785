"""One language at a time: every command, run over the samples and on an error case, prints only
English under ``--lang en`` (no Thai letters but the data: office names, sheet names, what an
office typed) and only Thai under ``--lang th`` (no English words but codes, file names, option
names, numbers and proper names such as PMQA)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import RubricError

runner = CliRunner()
REGISTRY = Path(__file__).resolve().parent.parent / "pmqa_cli" / "data" / "offices-sample.csv"
THAI = re.compile(r"[\u0e00-\u0e7f]+")
#: What may stand in Thai output though written in Latin letters: paths and file names, option
#: names, finding and item codes (value-not-number, KPI-7.3.1, P001, obec-esao-2567), SHA-256,
#: the program and its commands, proper names and units of measure people write in Latin.
ALLOWED_LATIN = [
    r"\S*[/\\]\S*",  # a path
    r"[\w.-]*\.(?:xlsx|xls|xlsm|json|csv|yaml|yml|pdf|md)\b",  # a file name or its type
    r"(?<![\w-])--?[a-z][\w-]*",  # an option
    r"\bpmqa(?: [a-z-]+)?",  # the program and a command
    r"\b[A-Za-z]+(?:[-.][A-Za-z0-9]+)+\b",  # a code with parts (value-not-number, KPI-7.3.1)
    r"\b[A-Z]+\d[\w.]*",  # an item or office code (PM1, P001)
    r"\b[0-9a-f]{8,}",  # the start of a SHA-256
    r"\b(?:PMQA|SHA-256|PDF|YAML|Excel|LibreOffice|N/A|B\.E\.)\b",
]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("languages")
    lines = REGISTRY.read_text(encoding="utf-8-sig").splitlines()
    chosen = [line for line in lines[1:] if ",สพป.," in line][:3]
    chosen += [line for line in lines[1:] if ",สพม.," in line][:2]
    (folder / "offices.csv").write_text("\n".join([lines[0], *chosen]) + "\n", encoding="utf-8")
    registry = ["--registry", str(folder / "offices.csv")]
    for seed, out in (("1", "one"), ("9", "two")):
        result = runner.invoke(app, ["sample", "-n", "5", "--seed", seed, "--out",
                                     str(folder / out), *registry])  # fmt: skip
        assert result.exit_code == 0, result.output
    # Its results inside the submissions folder: the next batch passes them over, and says so.
    results = folder / "one" / "r1.xlsx"
    result = runner.invoke(app, ["batch", str(folder / "one"), "-o", str(results),
                                 "--json", str(folder / "r1.json"), *registry])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    (folder / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    (folder / "broken.yaml").write_text("id: broken\nscoring: {decimals: x}\n", encoding="utf-8")
    return folder


def _commands(folder: Path, lang: str) -> Iterator[list[str]]:
    """Every command over the samples, and error cases: an unreadable workbook, a missing file,
    an office not in the registry, a broken rubric."""
    registry = ["--registry", str(folder / "offices.csv")]
    two = folder / "two"
    yield ["sample", "-n", "5", "--out", str(folder / f"samples-{lang}"), *registry]
    yield ["validate", str(two / "P001.xlsx"), *sorted(map(str, two.glob("S*.xlsx"))),
           str(folder / "broken.xlsx")]  # fmt: skip
    yield ["score", str(two / "P001.xlsx"), "-o", str(folder / f"feedback-{lang}.xlsx"),
           *registry]  # fmt: skip
    yield ["score", str(folder / "broken.xlsx")]
    yield ["score", str(folder / "missing.xlsx")]
    yield ["batch", str(two), "-o", str(folder / f"r2-{lang}.xlsx"), "--json",
           str(folder / f"r2-{lang}.json"), "--previous", str(folder / "r1.json"),
           *registry]  # fmt: skip
    yield ["batch", str(folder / "one"), "-o", str(folder / f"again-{lang}.xlsx"), *registry]
    yield ["compare", str(folder / "r1.json"), str(folder / f"r2-{lang}.json"), "-o",
           str(folder / f"cmp-{lang}.xlsx")]  # fmt: skip
    yield ["review-sheet", str(two), "-o", str(folder / f"review-{lang}.xlsx"), *registry]
    yield ["template", "-o", str(folder / f"t-{lang}.xlsx"), "--office", "P001", *registry]
    yield ["template", "-o", str(folder / f"t2-{lang}.xlsx"), "--office", "X999", *registry]
    yield ["rubric", "check"]
    yield ["rubric", "check", str(folder / "broken.yaml")]


def _data(folder: Path) -> list[str]:
    """What offices and their workbooks wrote, which no language setting translates: office
    names, provinces, sheet names, values as typed (quoted in messages); and the problems of a
    rubric file, which the rubric's checks report in English (docs/rubric-format.md)."""
    words = []
    for line in (folder / "offices.csv").read_text(encoding="utf-8").splitlines()[1:]:
        words += line.split(",")[1:]
    words += ["ตัวชี้วัด", "ข้อมูลหน่วยงาน", "PMQA 4.0"]
    # The rubric's own text, as its author wrote it: titles (which name ITA and ID Plan as
    # Thai documents do) and the note about its source.
    rubric = load_rubric(None)[0]
    words += [rubric.source_note, *(i.title_th for i in rubric.issues),
              *(i.title_th for i in rubric.indicators)]  # fmt: skip
    try:
        load_rubric(folder / "broken.yaml")
    except RubricError as exc:
        words += [text for p in exc.problems for text in (p.message, p.path)]
    return sorted(words, key=len, reverse=True)


def _run(folder: Path, lang: str) -> str:
    texts = []
    for args in _commands(folder, lang):
        result = runner.invoke(app, ["--lang", lang, *args])
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        texts.append(result.output)
    text = "\n".join(texts)
    text = re.sub(r"'[^']*'", "", text)  # a value as typed, quoted
    for word in _data(folder):
        text = text.replace(word, "")
    return text


def test_english_output_has_no_thai(files: Path) -> None:
    text = _run(files, "en")
    # The commands ran and said something, a results workbook passed over among them.
    assert "Wrote" in text and "error" in text and "Not read as submissions" in text
    found = set(THAI.findall(text))
    lines = [line for line in text.splitlines() if THAI.search(line)]
    assert not found, lines[:10]


def test_thai_output_has_no_english_words(files: Path) -> None:
    text = _run(files, "th")
    assert "เขียนแล้ว" in text and "ข้อผิดพลาด" in text and "ไม่ได้อ่านเป็นแบบประเมิน" in text
    rest = text
    for pattern in ALLOWED_LATIN:
        rest = re.sub(pattern, " ", rest)
    words = LATIN_WORD.findall(rest)
    lines = [line for line in rest.splitlines() if LATIN_WORD.search(line)]
    assert not words, (sorted(set(words)), lines[:40])
