#!/usr/bin/env python3
"""Run every pmqa command that writes something, on fixed inputs, and record what it wrote.

A restructure must not change pmqa's outputs. This script makes that checkable: it writes a set
of inputs once (245 OBEC samples, 40 OPDC samples, a filled committee review, central data,
corrections, an earlier result), runs each command with SOURCE_DATE_EPOCH set (so the files are
reproducible), and records the SHA-256 of every file written, every command's exit code and its
terminal output. Two records compare with ``--compare``; an .xlsx that differs is diffed part by
part (its XML), so the first differing cell is shown.

    python scripts/output-set.py /tmp/before --python /path/to/old/venv/bin/python
    python scripts/output-set.py /tmp/after --inputs /tmp/before/inputs
    python scripts/output-set.py --compare /tmp/before /tmp/after

The pmqa that runs is ``PYTHON -m pmqa_cli`` (the current interpreter by default) with the
checkout this script lives in first on PYTHONPATH, unless ``--src`` names another checkout.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
EPOCH = "1735689600"  # 2025-01-01 00:00 UTC: every timestamp pmqa writes
REGISTRY = "registry.csv"


def run(work: Path, python: str, src: Path, name: str, *args: str) -> dict[str, object]:
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": str(src),
        "PMQA_LANG": "en",
        "COLUMNS": "120",
        "NO_COLOR": "1",
        "PYTHONHASHSEED": "0",
    }
    done = subprocess.run(
        [python, "-m", "pmqa_cli", *args], cwd=work, env=env, capture_output=True, text=True
    )
    return {
        "name": name,
        "args": list(args),
        "rc": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }


def make_inputs(inputs: Path, python: str, src: Path) -> None:
    """Samples, a filled review, central data, corrections and an earlier result."""
    inputs.mkdir(parents=True)
    shutil.copy(src / "pmqa_cli" / "data" / "offices-sample.csv", inputs / REGISTRY)
    steps = [
        ("sample", "sample", "--count", "245", "--out", "obec"),
        ("sample-previous", "sample", "--count", "245", "--seed", "2566", "--out", "prev"),
        ("sample-opdc", "sample", "--rubric", "opdc-pmqa4-24", "--count", "40", "--out", "opdc"),
        ("review", "review-sheet", "obec", "--registry", REGISTRY, "-o", "review.xlsx"),
        (
            "previous",
            "batch",
            "prev",
            "--registry",
            REGISTRY,
            "-o",
            "prev-results.xlsx",
            "--json",
            "prev-results.json",
        ),
    ]
    for name, *args in steps:
        out = run(inputs, python, src, name, *args)
        if out["rc"] not in (0, 1):
            raise SystemExit(f"{name}: {out['stderr']}")
    _fill_review(inputs / "review.xlsx")
    rows = [("office_code", "indicator_id", "value", "source")]
    rows += [
        (f"P{n:03d}", "KPI-7.4.1", f"{80 + n % 17}.{n % 10}5", "ITAS 2567")
        for n in range(1, 246, 3)
    ]
    _write_csv(inputs / "data.csv", rows)
    corrections = [("office", "item", "value", "reason", "by")]
    corrections += [
        (f"P{n:03d}", "KPI-7.1.3", f"{70 + n % 23}.{n % 7}", "typo", "analyst")
        for n in range(2, 246, 5)
    ]
    corrections += [
        (f"P{n:03d}", "PM2-A1", "ผ่าน", "evidence by mail", "analyst") for n in range(4, 246, 11)
    ]
    _write_csv(inputs / "corrections.csv", corrections)


def _write_csv(path: Path, rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _fill_review(path: Path) -> None:
    """Verdicts on every seventh row, a verified value on every eleventh, to the last row."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["ตรวจสอบ"]
    header_row, columns = 0, {}
    for row in sheet.iter_rows(min_row=1, max_row=40):
        names = {str(c.value).splitlines()[0]: c.column for c in row if c.value}
        if "ผลการตรวจ" in names or any(n.startswith("ผลการตรวจ") for n in names):
            header_row = row[0].row
            columns = dict(names)
            break
    verdict = next(c for n, c in columns.items() if n.startswith("ผลการตรวจ"))
    value = next((c for n, c in columns.items() if n.startswith("ค่าที่ตรวจสอบ")), None)
    item = next(c for n, c in columns.items() if n.startswith("รหัสรายการ"))
    person = next(c for n, c in columns.items() if n.startswith("ผู้ตรวจ"))
    for n, row in enumerate(range(header_row + 1, sheet.max_row + 1)):
        item_id = sheet.cell(row=row, column=item).value
        if not item_id:
            continue
        if n % 7 == 0:
            sheet.cell(row=row, column=verdict).value = "ไม่ยืนยัน" if n % 14 == 0 else "ยืนยัน"
            sheet.cell(row=row, column=person).value = f"กรรมการ {n % 3 + 1}"
        if value is not None and n % 11 == 0 and str(item_id).startswith("KPI-7.1"):
            sheet.cell(row=row, column=value).value = 55 + n % 40
    book.save(path)


def commands() -> list[tuple[str, ...]]:
    """(name, *arguments) of every command run on the inputs; outputs go under out/."""
    verify = ("--review", "review.xlsx", "--data", "data.csv", "--corrections", "corrections.csv")
    return [
        ("sample", "sample", "--count", "245", "--out", "out/sample"),
        (
            "sample-opdc",
            "sample",
            "--rubric",
            "opdc-pmqa4-24",
            "--count",
            "40",
            "--out",
            "out/sample-opdc",
        ),
        ("template", "template", "-o", "out/template.xlsx"),
        ("template-office", "template", "--office", "S010", "-o", "out/template-S010.xlsx"),
        ("template-opdc", "template", "--rubric", "opdc-pmqa4-24", "-o", "out/template-opdc.xlsx"),
        ("validate", "validate", "obec/P001.xlsx", "obec/P022.xlsx", "obec/P184.xlsx"),
        (
            "validate-json",
            "validate",
            "--json",
            "obec/P001.xlsx",
            "obec/P022.xlsx",
            "obec/S062.xlsx",
        ),
        ("score", "score", "obec/P022.xlsx", "--registry", REGISTRY),
        ("score-json", "score", "--json", "obec/P022.xlsx", "--registry", REGISTRY),
        ("score-feedback", "score", "obec/S010.xlsx", "-o", "out/score-S010.xlsx"),
        (
            "score-verified",
            "score",
            "obec/P004.xlsx",
            "--registry",
            REGISTRY,
            *verify,
            "-o",
            "out/score-P004-verified.xlsx",
        ),
        (
            "batch",
            "batch",
            "obec",
            "--registry",
            REGISTRY,
            "-o",
            "out/batch/results.xlsx",
            "--json",
            "out/batch/results.json",
            "--csv",
            "out/batch/csv",
            "--feedback",
            "out/batch/feedback",
        ),
        (
            "batch-jobs1",
            "batch",
            "obec",
            "--registry",
            REGISTRY,
            "--jobs",
            "1",
            "-o",
            "out/batch1/results.xlsx",
            "--json",
            "out/batch1/results.json",
        ),
        (
            "batch-verified",
            "batch",
            "obec",
            "--registry",
            REGISTRY,
            *verify,
            "-o",
            "out/verified/results.xlsx",
            "--json",
            "out/verified/results.json",
            "--csv",
            "out/verified/csv",
            "--feedback",
            "out/verified/feedback",
        ),
        (
            "batch-previous",
            "batch",
            "obec",
            "--registry",
            REGISTRY,
            "--round",
            "12 เดือน",
            "--previous",
            "prev-results.json",
            "--previous-label",
            "2566",
            "-o",
            "out/previous/results.xlsx",
            "--json",
            "out/previous/results.json",
            "--csv",
            "out/previous/csv",
        ),
        (
            "batch-noregistry",
            "batch",
            "obec",
            "-o",
            "out/noregistry/results.xlsx",
            "--json",
            "out/noregistry/results.json",
        ),
        (
            "batch-opdc",
            "batch",
            "opdc",
            "--rubric",
            "opdc-pmqa4-24",
            "--registry",
            REGISTRY,
            "-o",
            "out/opdc/results.xlsx",
            "--json",
            "out/opdc/results.json",
            "--csv",
            "out/opdc/csv",
            "--feedback",
            "out/opdc/feedback",
        ),
        (
            "compare",
            "compare",
            "prev-results.json",
            "out/batch/results.json",
            "--registry",
            REGISTRY,
            "-o",
            "out/compare/comparison.xlsx",
            "--json",
            "out/compare/comparison.json",
            "--csv",
            "out/compare/csv",
        ),
        ("review-sheet", "review-sheet", "obec", "--registry", REGISTRY, "-o", "out/review.xlsx"),
        ("rubric-check", "rubric", "check"),
        ("rubric-show", "rubric", "show", "opdc-pmqa4-24"),
    ]


def record(target: Path, inputs: Path | None, python: str, src: Path) -> None:
    target.mkdir(parents=True, exist_ok=False)
    work = target / "inputs"
    if inputs is None:
        make_inputs(work, python, src)
    else:
        shutil.copytree(inputs, work, ignore=shutil.ignore_patterns("out"))
    for folder in (
        "out/batch",
        "out/batch1",
        "out/verified",
        "out/previous",
        "out/noregistry",
        "out/opdc",
        "out/compare",
    ):
        (work / folder).mkdir(parents=True, exist_ok=True)
    runs = [run(work, python, src, name, *args) for name, *args in commands()]
    files = {
        str(p.relative_to(work)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((work / "out").rglob("*"))
        if p.is_file() and not p.name.startswith(".pmqa")
    }
    (target / "record.json").write_text(
        json.dumps({"runs": runs, "files": files}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"{len(runs)} commands, {len(files)} files: {target / 'record.json'}")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def compare(before: Path, after: Path) -> int:
    a = json.loads((before / "record.json").read_text(encoding="utf-8"))
    b = json.loads((after / "record.json").read_text(encoding="utf-8"))
    problems = 0
    for old, new in zip(a["runs"], b["runs"], strict=True):
        for key in ("rc", "stdout", "stderr"):
            if old[key] != new[key]:
                problems += 1
                print(f"== {old['name']}: {key} differs")
                if key != "rc":
                    diff = difflib.unified_diff(
                        old[key].splitlines(), new[key].splitlines(), lineterm="", n=1
                    )
                    print("\n".join(list(diff)[:40]))
                else:
                    print(old[key], "->", new[key])
    for name in sorted(set(a["files"]) | set(b["files"])):
        if a["files"].get(name) == b["files"].get(name):
            continue
        problems += 1
        if name not in a["files"] or name not in b["files"]:
            print(f"== {name}: only {'after' if name in b['files'] else 'before'}")
            continue
        print(f"== {name}: differs")
        if name.endswith(".xlsx"):
            pa, pb = _parts(before / "inputs" / name), _parts(after / "inputs" / name)
            for part in sorted(set(pa) | set(pb)):
                if pa.get(part) != pb.get(part):
                    x = (pa.get(part) or b"").decode("utf-8", "replace")
                    y = (pb.get(part) or b"").decode("utf-8", "replace")
                    at = next(
                        (i for i, (c, d) in enumerate(zip(x, y, strict=False)) if c != d),
                        min(len(x), len(y)),
                    )
                    print(
                        f"  {part}: at {at}: {x[max(0, at - 120) : at + 120]!r}\n"
                        f"  {' ' * len(part)}  now {y[max(0, at - 120) : at + 120]!r}"
                    )
        else:
            x = (before / "inputs" / name).read_text(encoding="utf-8", errors="replace")
            y = (after / "inputs" / name).read_text(encoding="utf-8", errors="replace")
            print(
                "\n".join(
                    list(difflib.unified_diff(x.splitlines(), y.splitlines(), lineterm="", n=1))[
                        :30
                    ]
                )
            )
    print(
        f"{problems} differences"
        if problems
        else "identical: every file, exit code and terminal output"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, nargs="?")
    parser.add_argument("--inputs", type=Path, help="reuse the inputs of an earlier record")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--src", type=Path, default=HERE, help="the pmqa checkout to run")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.target is None:
        parser.error("give a target folder, or --compare BEFORE AFTER")
    record(args.target, args.inputs, args.python, args.src.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
