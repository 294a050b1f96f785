"""One language at a time: every command, run over the samples and on an error case, prints only
English under ``--lang en`` (no Thai letters but the data: office names, sheet names, what an
office typed) and only Thai under ``--lang th`` (no English words but codes, file names, option
names, numbers and proper names such as PMQA)."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.report.staging import lock_path
from pmqa_cli.rubric.load import default_rubric_path, load_rubric
from pmqa_cli.rubric.model import RubricError

runner = CliRunner()
REGISTRY = Path(__file__).resolve().parent.parent / "pmqa_cli" / "data" / "offices-sample.csv"
THAI = re.compile(r"[\u0e00-\u0e7f]+")
#: What may stand in Thai output though written in Latin letters: paths and file names, option
#: names, finding and item codes (value-not-number, KPI-7.3.1, P001, obec-esao-2567), SHA-256,
#: the program and its commands, proper names and units of measure people write in Latin.
ALLOWED_LATIN = [
    r"\S*[/\\]\S*",  # a path
    r"[\w.-]*\.(?:xlsx|xls|xlsm|xlsb|ods|json|csv|yaml|yml|pdf|md)\b",  # a file name or its type
    r"(?<![\w-])--?[a-z][\w-]*",  # an option
    r"\bpmqa(?: [a-z-]+)?",  # the program and a command
    r"\b[A-Za-z]+(?:[-.][A-Za-z0-9]+)+\b",  # a code with parts (value-not-number, KPI-7.3.1)
    r"\b[A-Z]+\d[\w.]*",  # an item or office code (PM1, P001)
    r"\b[0-9a-f]{8,}",  # the start of a SHA-256
    r"\b(?:PMQA|SHA-256|PDF|YAML|Excel|LibreOffice|N/A|B\.E\.)\b",
    r"\bPMQA_[A-Z_]+",  # an environment variable
    # Names of formats and kinds of file, and the unit of a file's size.
    r"\b(?:CSV|JSON|FIFO|MB|KB|cp874|Windows)\b",
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
    _broken_rubrics(folder)
    return folder


def _broken_rubrics(folder: Path) -> None:
    """Rubric files with problems of every family: the schema's (a field missing, a text where
    a number goes, an unknown field), the rules' (thresholds out of order, a duplicate id), and
    the whole rubric's (a previous id that is another item's, tiers out of order)."""
    shipped = yaml.safe_load(default_rubric_path().read_text(encoding="utf-8"))
    schema = json.loads(json.dumps(shipped, default=str))
    del schema["indicators"][1]["unit"]
    schema["issues"][0]["weight"] = "heavy"
    schema["issues"][0]["wieght"] = 1
    schema["indicators"][0]["thresholds"] = list(reversed(schema["indicators"][0]["thresholds"]))
    schema["issues"][1]["id"] = schema["issues"][0]["id"]
    rules = json.loads(json.dumps(shipped, default=str))
    rules["indicators"][0]["previous_ids"] = [rules["issues"][0]["id"]]
    rules["issues"][1]["tiers"] = list(reversed(rules["issues"][1]["tiers"]))
    for name, data in (("schema", schema), ("rules", rules)):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"broken-{name}.yaml").write_text(text, encoding="utf-8")


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
    yield ["rubric", "check", str(folder / "broken-schema.yaml")]
    yield ["rubric", "check", str(folder / "broken-rules.yaml")]


def _data(folder: Path) -> list[str]:
    """What offices and their workbooks wrote, which no language setting translates: office
    names, provinces, sheet names, values as typed (quoted in messages); and the YAML paths
    of a rubric file's problems (``issues[1].id``), which are where the problem sits."""
    words = []
    for line in (folder / "offices.csv").read_text(encoding="utf-8").splitlines()[1:]:
        words += line.split(",")[1:]
    words += ["ตัวชี้วัด", "ข้อมูลหน่วยงาน", "PMQA 4.0"]
    # The rubric's own text, as its author wrote it: titles (which name ITA and ID Plan as
    # Thai documents do) and the note about its source.
    rubric = load_rubric(None)[0]
    words += [rubric.source_note, *(i.title_th for i in rubric.issues),
              *(i.title_th for i in rubric.indicators)]  # fmt: skip
    for name in ("broken", "broken-schema", "broken-rules"):
        try:
            load_rubric(folder / f"{name}.yaml")
        except RubricError as exc:
            words += [p.path for p in exc.problems if p.path]
    return sorted(words, key=len, reverse=True)


def _without_data(folder: Path, text: str) -> str:
    text = re.sub(r"'[^'\n]*'", "", text)  # a value as typed, quoted (on one line)
    for word in _data(folder):
        text = text.replace(word, "")
    return text


def _run(folder: Path, lang: str) -> str:
    texts = []
    for args in _commands(folder, lang):
        result = runner.invoke(app, ["--lang", lang, *args])
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        texts.append(result.output)
    return _without_data(folder, "\n".join(texts))


def _thai_left(text: str) -> list[str]:
    """The lines of English output that still hold Thai letters."""
    return [line for line in text.splitlines() if THAI.search(line)]


def _english_left(text: str) -> tuple[list[str], list[str]]:
    """The English words left in Thai output, and their lines."""
    rest = text
    for pattern in ALLOWED_LATIN:
        rest = re.sub(pattern, " ", rest)
    words = LATIN_WORD.findall(rest)
    return sorted(set(words)), [line for line in rest.splitlines() if LATIN_WORD.search(line)]


def test_english_output_has_no_thai(files: Path) -> None:
    text = _run(files, "en")
    # The commands ran and said something, a results workbook passed over among them.
    assert "Wrote" in text and "error" in text and "Not read as submissions" in text
    assert "required field is missing" in text and "must increase strictly" in text
    assert not _thai_left(text), _thai_left(text)[:10]


def test_thai_output_has_no_english_words(files: Path) -> None:
    text = _run(files, "th")
    assert "เขียนแล้ว" in text and "ข้อผิดพลาด" in text and "ไม่ได้อ่านเป็นแบบประเมิน" in text
    # The rubric's problems, each in Thai: the schema's, a rule's, the whole rubric's.
    assert "ต้องระบุช่องนี้" in text and "ค่าเกณฑ์ต้องเพิ่มขึ้นทุกระดับ" in text
    assert "ซ้ำ" in text and "เป็นรหัสของรายการอื่นในเกณฑ์นี้" in text
    words, lines = _english_left(text)
    assert not words, (words, lines[:40])


# --- what stops a command, in each language --------------------------------------------------


class Stop(NamedTuple):
    """A command that is stopped, how it exits, and a phrase of its message in each language."""

    args: list[str]
    exit_code: int
    en: str
    th: str
    env: dict[str, str] | None = None


def _hold_lock(target: Path) -> None:
    """A lock on ``target`` held by a live pmqa run on this machine (this very process)."""
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-12-02T09:00:00",
              "command": "pmqa batch submissions -o results.xlsx"}  # fmt: skip
    lock_path(target.absolute()).write_text(json.dumps(record), encoding="utf-8")


def _stops(folder: Path, lang: str) -> Iterator[tuple[str, Stop]]:
    """Every family of error that stops a command: a held lock, an output over an input, a file
    pmqa did not write, a folder without submissions, a folder where one workbook goes, a CSV
    folder that is the submissions folder, an office not in the registry, a registry that
    cannot be read or has problems, a rubric refused (too large by its variable, a FIFO), a bad
    limit setting."""
    registry = ["--registry", str(folder / "offices.csv")]
    held = folder / f"held-{lang}.xlsx"
    _hold_lock(held)
    yield "lock", Stop(["template", "-o", str(held)], 2, "is being written by another pmqa run",
                       "กำลังถูกเขียนโดย pmqa อีกงานหนึ่ง")  # fmt: skip
    submission = str(folder / "two" / "P001.xlsx")
    yield "input", Stop(["score", submission, "-o", submission, *registry], 2,
                        "pmqa never writes over an input", "pmqa ไม่เขียนทับไฟล์นำเข้า")  # fmt: skip
    foreign = folder / f"foreign-{lang}.xlsx"
    foreign.write_bytes(b"a workbook of someone else's")
    yield "foreign", Stop(["template", "-o", str(foreign)], 2, "add --force to replace it",
                          "pmqa แทนที่เฉพาะไฟล์ของตนเอง")  # fmt: skip
    unknown = ["template", "-o", str(folder / f"x-{lang}.xlsx"), "--office", "X999", *registry]
    yield "office", Stop(unknown, 2, "is not in the registry", "ไม่มีรหัสหน่วยงาน X999")
    empty = folder / f"empty-{lang}"
    empty.mkdir(exist_ok=True)
    yield "no submissions", Stop(["batch", str(empty), "-o", str(folder / f"e-{lang}.xlsx")], 2,
                                 "No submissions found", "ไม่พบแบบประเมิน")  # fmt: skip
    yield "validate no submissions", Stop(["validate", str(empty)], 2, "No submissions found",
                                          "ไม่พบแบบประเมิน")  # fmt: skip
    yield "score a folder", Stop(["score", str(folder / "two")], 2, "is a folder; pmqa score",
                                 "เป็นโฟลเดอร์ pmqa score")  # fmt: skip
    yield "csv into submissions", Stop(["batch", str(folder / "two"), "-o",
                                        str(folder / f"c-{lang}.xlsx"), "--csv",
                                        str(folder / "two")], 2, "Choose a folder of its own",
                                       "ใช้โฟลเดอร์แยกต่างหาก")  # fmt: skip
    garbage = folder / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\xff\xfe not a table \x00" * 20)
    yield "registry", Stop(["template", "-o", str(folder / f"g-{lang}.xlsx"), "--office", "P001",
                            "--registry", str(garbage)], 1, "cannot be read: not a CSV table",
                           "อ่านทะเบียนหน่วยงาน")  # fmt: skip
    rows = folder / "rows.csv"
    rows.write_text("code,name,type\nP001,A,สพป.\nP001,B,สพป.\n,C,สพม.\nP003,D,กศน.\n",
                    encoding="utf-8")  # fmt: skip
    listed = ["template", "-o", str(folder / f"r-{lang}.xlsx"), "--office", "P001",
              "--registry", str(rows)]  # fmt: skip
    yield "registry rows", Stop(listed, 1, "has 3 problem(s)", "มีปัญหา 3 รายการ")
    yield "rubric size", Stop(["rubric", "check"], 2, "The rubric cannot be used",
                              "ใช้เกณฑ์นี้ไม่ได้", {"PMQA_MAX_RUBRIC_FILE_MB": "0.001"})  # fmt: skip
    yield "limit setting", Stop(["rubric", "check"], 2, "is not a number", "ไม่ใช่ตัวเลข",
                                {"PMQA_MAX_RUBRIC_FILE_MB": "lots"})  # fmt: skip
    if hasattr(os, "mkfifo"):  # no FIFOs on Windows
        fifo = folder / f"rubric-{lang}.yaml"
        os.mkfifo(fifo)
        yield "rubric fifo", Stop(["rubric", "check", str(fifo)], 2, "a named pipe, FIFO",
                                  "ท่อส่งข้อมูลแบบมีชื่อ (FIFO)")  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "th"])
def test_what_stops_a_command_speaks_one_language(files: Path, lang: str) -> None:
    texts = []
    for name, stop in _stops(files, lang):
        result = runner.invoke(app, ["--lang", lang, *stop.args], env=stop.env)
        assert result.exit_code == stop.exit_code, (name, result.output, result.exception)
        said = " ".join(result.output.split())  # the terminal wraps long messages
        assert (stop.th if lang == "th" else stop.en) in said, (name, result.output)
        texts.append(result.output)
    text = _without_data(files, "\n".join(texts))
    if lang == "en":
        assert not _thai_left(text), _thai_left(text)[:10]
    else:
        words, lines = _english_left(text)
        assert not words, (words, lines[:40])


# --- a command line pmqa cannot use, in each language ------------------------------------------

USAGE_ERRORS = {
    "unknown option": (["batch", "--bogus"], "ไม่มีตัวเลือก --bogus", "No such option: --bogus"),
    "missing argument": (["score"], "ยังไม่ได้ระบุอาร์กิวเมนต์ 'FILE.xlsx'", "Missing argument"),
    "not a number": (["sample", "-n", "x"], "ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป", "'-n'"),
    "below the range": (["batch", ".", "-o", "r.xlsx", "--jobs", "-3"],
                        "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป", "'--jobs'"),
    "unknown command": (["scor"], "ไม่มีคำสั่ง 'scor' หรือหมายถึง 'score'", "No such command"),
    "unknown subcommand": (["rubric", "nope"], "ไม่มีคำสั่ง 'nope'", "No such command"),
    "extra argument": (["score", "a.xlsx", "b.xlsx"], "มีอาร์กิวเมนต์เกินมา: b.xlsx",
                       "unexpected extra argument"),
    "no value": (["batch", ".", "-o"], "ตัวเลือก -o ต้องมีค่าตามหลัง", "requires an argument"),
    "a folder for a file": (["score", "a.xlsx", "--review", "."],
                            "ค่าของ '--review' ไม่ถูกต้อง: '.' เป็นโฟลเดอร์ ต้องระบุไฟล์",
                            "'.' is a directory"),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_command_line_pmqa_cannot_use_is_told_in_one_language(lang: str) -> None:
    """typer words usage errors in English; pmqa shows them in the terminal's language, from
    what each error carries (the option, the parameter and its type), with exit code 2."""
    texts = []
    for name, (args, th, en) in USAGE_ERRORS.items():
        result = runner.invoke(app, ["--lang", lang, *args])
        assert result.exit_code == 2, (name, result.output)
        said = " ".join(result.output.split())
        assert (th if lang == "th" else en) in said, (name, result.output)
        texts.append(result.output)
    text = "\n".join(texts)
    if lang == "en":
        assert not _thai_left(text), _thai_left(text)[:10]
    else:
        assert "ข้อผิดพลาด:" in text and "Error" not in text and "Usage" not in text
        # A usage line names the arguments by pmqa's metavars (PATH, FILE.xlsx), and what the
        # user typed is quoted ('scor'): neither is a word of pmqa's.
        words, lines = _english_left(re.sub(r"\b[A-Z]{3,}\b|'[^']*'", " ", text))
        assert not words, (words, lines[:20])
