"""Outputs never touch inputs: every output path is checked before any work is done.

Each command lists its outputs as :class:`Target` objects and calls :func:`check_outputs` with
its inputs before it reads the first submission. A problem is a :class:`UsageError` (exit 2)
whose message says what to do. The rules (docs/security.md):

- an output is never an input (a submission, the rubric, the registry), whatever ``--force`` says;
- a feedback folder never holds submissions (its workbooks are named by office code), and no
  folder output (CSV, maps) is itself a submissions folder;
- an output inside an input folder is allowed only when the next run will pass it over: pmqa's
  marked workbooks (workbook/mark.py) and files that are not spreadsheets;
- two outputs never share a path;
- the folder must exist (a folder output may be created inside an existing one) and be writable;
- an existing file is replaced only when pmqa wrote it and nobody changed it since (a workbook:
  its mark, last modified by pmqa, and the SHA-256 the record pmqa keeps in its folder,
  ``.pmqa-written.json``, names it with; JSON: its header; CSV and PDF: the record); anything
  else needs ``--force``.

New output options (a PDF, a comparison workbook) add a :class:`Target` and get the same checks.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pmqa_cli import __version__
from pmqa_cli.core.errors import UsageError
from pmqa_cli.core.hashing import sha256_file
from pmqa_cli.io.mark import (
    SPREADSHEET_SUFFIXES,
    WRITTEN_RECORD,
    Kind,
    is_results_json,
    read_mark,
    recorded_output,
    written_record,
)
from pmqa_cli.report.outputs import write_bytes_atomic

__all__ = [
    "WRITTEN_RECORD",
    "Form",
    "Target",
    "check_outputs",
    "merge_record",
    "pmqa_wrote",
    "record_workbooks",
    "record_written",
]

_SHOWN = 5  # names listed in a message before "and N more"


class Form(Enum):
    """What an output is."""

    WORKBOOK = "workbook"  # one .xlsx file with pmqa's mark of ``Target.kind``
    JSON = "json"  # one JSON file
    CSV_FOLDER = "csv folder"  # a folder of CSV files
    FEEDBACK_FOLDER = "feedback folder"  # a folder of feedback workbooks named by office code
    SAMPLE_FOLDER = "sample folder"  # a folder of sample submissions named by office code
    MAP_FOLDER = "map folder"  # a folder of map pictures (PNG and SVG)
    PDF = "pdf"  # one PDF printed by LibreOffice (--pdf), recorded in WRITTEN_RECORD beside it


@dataclass(frozen=True)
class Target:
    """One output a command will write."""

    option: str  # as the user typed it: "-o", "--json", "--csv", "--feedback"
    path: Path
    form: Form
    kind: Kind | None = None  # for WORKBOOK: the mark it will carry
    with_pdf: bool = False  # for FEEDBACK_FOLDER: each workbook is printed to a PDF beside it

    @property
    def is_folder(self) -> bool:
        return self.form in (
            Form.CSV_FOLDER,
            Form.FEEDBACK_FOLDER,
            Form.SAMPLE_FOLDER,
            Form.MAP_FOLDER,
        )


def _key(path: Path) -> Path:
    """A path as the file system sees it (symlinks and '..' resolved, case folded on Windows)."""
    return Path(os.path.normcase(Path(path).resolve()))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _names(paths: Iterable[Path], *, th: bool = False) -> str:
    listed = [p.name for p in paths]
    shown = ", ".join(listed[:_SHOWN])
    more = len(listed) - _SHOWN
    if more <= 0:
        return shown
    return shown + (f" และอีก {more:,} ไฟล์" if th else f" and {more} more")


def merge_record(staged: Path, final: Path) -> None:
    """Before the record ``staged`` (a run's new WRITTEN_RECORD) replaces ``final``: keep in it
    every file ``final`` records that this run did not write and that is still there as pmqa
    wrote it (same SHA-256), so files of an earlier run stay pmqa's."""
    new = written_record(staged.parent)
    kept: dict[str, str] = {}
    for name, sha in written_record(final.parent).items():
        if name in new or Path(name).name != name or name == WRITTEN_RECORD:
            continue
        try:
            if sha256_file(final.parent / name) == sha:
                kept[name] = sha
        except OSError:
            continue  # gone since: nothing to remember
    if kept:
        data = {"pmqa_version": __version__, "files": dict(sorted({**kept, **new}.items()))}
        write_bytes_atomic(staged, json.dumps(data, indent=1).encode("utf-8"))


def record_written(folder: Path, paths: Sequence[Path]) -> None:
    """Remember, in ``folder``, that pmqa wrote ``paths`` (so a later run may replace them)."""
    files = written_record(folder)
    files.update({p.name: sha256_file(p) for p in paths})
    data = {"pmqa_version": __version__, "files": dict(sorted(files.items()))}
    write_bytes_atomic(folder / WRITTEN_RECORD, json.dumps(data, indent=1).encode("utf-8"))


def pmqa_wrote(
    path: Path, form: Form, kind: Kind | None = None, record: Mapping[str, str] | None = None
) -> bool:
    """Whether the existing file at ``path`` is one pmqa wrote, unchanged, of this form/kind
    (``record``: its folder's WRITTEN_RECORD, when the caller has read it)."""
    if form in (Form.WORKBOOK, Form.FEEDBACK_FOLDER, Form.SAMPLE_FOLDER):
        found = read_mark(path)
        wanted = {Form.FEEDBACK_FOLDER: Kind.FEEDBACK, Form.SAMPLE_FOLDER: Kind.SAMPLE}.get(
            form, kind
        )
        return (
            found is not None
            and found.pristine
            and wanted is not None
            and (found.kind == wanted.value)
            and _unchanged(path, record)
        )
    if form is Form.JSON:
        return is_results_json(path)
    return recorded_output(path, record)


def _unchanged(workbook: Path, record: Mapping[str, str] | None) -> bool:
    """A workbook its folder's record names still has the SHA-256 pmqa recorded: saved since by
    a program that leaves its "last modified by" as pmqa wrote it (openpyxl, LibreOffice without
    a user name), it has not. One the record does not name (written before pmqa recorded its
    workbooks) has only its mark to go by."""
    sha = (written_record(workbook.parent) if record is None else record).get(workbook.name)
    return sha is None or recorded_output(workbook, {workbook.name: sha})


def record_workbooks(files: Iterable[Path]) -> None:
    """Record each workbook of a run in its folder's WRITTEN_RECORD (the folder as staged), so
    the next run replaces it only as pmqa wrote it (:func:`pmqa_wrote`)."""
    folders: dict[Path, list[Path]] = {}
    for file in files:
        folders.setdefault(file.parent, []).append(file)
    for folder, written in folders.items():
        record_written(folder, written)


def _probe(folder: Path) -> str | None:
    """Why nothing can be written into ``folder`` (None when a file can be created there)."""
    try:
        handle, name = tempfile.mkstemp(prefix=".pmqa-probe-", dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(handle)
    with contextlib.suppress(OSError):  # a folder we may create in but not delete from
        Path(name).unlink()
    return None


def _existing_ancestor(path: Path) -> Path:
    current = path.absolute()
    while not current.exists() and current.parent != current:
        current = current.parent
    return current


def _check_file(target: Target, inputs: dict[Path, Path], folders: list[Path], force: bool) -> None:
    path, option = target.path, target.option
    key = _key(path)
    if target.form is Form.WORKBOOK and path.suffix.lower() != ".xlsx":
        raise UsageError(
            f"The output {path} must end in .xlsx.", th=f"ไฟล์ผลลัพธ์ {path} ต้องลงท้ายด้วย .xlsx"
        )
    if key in inputs:
        raise UsageError(
            f"The output {path} ({option}) is one of the inputs; pmqa never writes over an "
            "input. Choose another path.",
            th=f"ไฟล์ผลลัพธ์ {path} ({option}) เป็นไฟล์นำเข้าไฟล์หนึ่ง pmqa ไม่เขียนทับไฟล์นำเข้า เลือกที่เก็บอื่น",
        )
    if path.is_dir():
        raise UsageError(
            f"The output {path} ({option}) is a folder; name a file instead.",
            th=f"ผลลัพธ์ {path} ({option}) เป็นโฟลเดอร์ ให้ระบุชื่อไฟล์แทน",
        )
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise UsageError(
            f"Cannot write {path} ({option}): the folder {folder} does not exist. Create it "
            "first, or choose another path.",
            th=f"เขียน {path} ({option}) ไม่ได้ เพราะไม่มีโฟลเดอร์ {folder} สร้างโฟลเดอร์นี้ก่อน "
            "หรือเลือกที่เก็บอื่น",
        )
    if target.form is not Form.WORKBOOK and path.suffix.lower() in SPREADSHEET_SUFFIXES:
        for root in folders:
            if _inside(key, root):
                raise UsageError(
                    f"The output {path} ({option}) lies inside the input folder {root} and "
                    "ends like a spreadsheet, so the next run would read it as a submission. "
                    "Choose another name or folder.",
                    th=f"ผลลัพธ์ {path} ({option}) อยู่ในโฟลเดอร์นำเข้า {root} และมีนามสกุลแบบ"
                    "สเปรดชีต การประมวลผลครั้งต่อไปจะอ่านเป็นแบบประเมิน เลือกชื่อหรือโฟลเดอร์อื่น",
                )
    reason = _probe(folder)
    if reason is not None:
        raise UsageError(
            f"Cannot write {path} ({option}): the folder {folder} is not writable ({reason}). "
            "Choose a folder you can write to.",
            th=f"เขียน {path} ({option}) ไม่ได้ เพราะเขียนลงโฟลเดอร์ {folder} ไม่ได้ ('{reason}') "
            "เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
        )
    if path.exists() and not force and not pmqa_wrote(path, target.form, target.kind):
        filled, filled_th = _filled(path)
        raise UsageError(
            f"{path} ({option}) already exists and is not a {_what(target)} pmqa wrote (or it "
            f"was changed since).{filled} pmqa replaces only its own files: choose another path, "
            "or add --force to replace it.",
            th=f"มี {path} ({option}) อยู่แล้ว และไม่ใช่{_what_th(target)}ที่ pmqa เขียน (หรือถูกแก้ไข"
            f"หลังจากนั้น){filled_th} pmqa แทนที่เฉพาะไฟล์ของตนเอง เลือกที่เก็บอื่น หรือเพิ่ม --force "
            "เพื่อแทนที่",
        )


def _filled(path: Path) -> tuple[str, str]:
    """A warning when the file in the way reads as an office's submission (a template or sample
    as pmqa marks them, saved since): --force would lose its answers."""
    found = read_mark(path)
    if found is None or found.kind not in (Kind.TEMPLATE.value, Kind.SAMPLE.value):
        return "", ""
    return (
        " It reads as an office's filled submission: replacing it loses the office's answers.",
        " ไฟล์นี้เป็นแบบประเมินที่หน่วยงานกรอกแล้ว หากแทนที่ คำตอบของหน่วยงานจะหายไป",
    )


def _what(target: Target) -> str:
    if target.form is Form.WORKBOOK and target.kind is not None:
        return f"{target.kind.value} workbook"
    return {Form.JSON: "JSON file", Form.PDF: "PDF"}.get(target.form, "file")


_KIND_TH = {
    Kind.RESULTS: "สมุดงานผลการประเมิน",
    Kind.FEEDBACK: "สมุดงานแจ้งผลรายหน่วยงาน",
    Kind.TEMPLATE: "แบบประเมินเปล่า",
    Kind.SAMPLE: "แบบประเมินตัวอย่าง",
    Kind.COMPARISON: "สมุดงานเปรียบเทียบผล",
    Kind.REVIEW: "สมุดงานสำหรับคณะกรรมการตรวจ",
}


def _what_th(target: Target) -> str:
    if target.form is Form.WORKBOOK and target.kind is not None:
        return _KIND_TH[target.kind]
    return "ไฟล์ JSON " if target.form is Form.JSON else "ไฟล์"


def _check_folder(
    target: Target, inputs: dict[Path, Path], folders: list[Path], force: bool
) -> None:
    path, option = target.path, target.option
    key = _key(path)
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"{path} ({option}) is a file, not a folder; {option} takes a folder.",
            th=f"{path} ({option}) เป็นไฟล์ ไม่ใช่โฟลเดอร์ {option} ต้องระบุโฟลเดอร์",
        )
    if key in folders and target.form is not Form.FEEDBACK_FOLDER:
        _refuse_input_folder(target, key)
    if target.form is Form.FEEDBACK_FOLDER:
        holding = [root for root in folders if root == key]
        holding += [p for k, p in inputs.items() if k.parent == key]
        if holding:
            raise UsageError(
                f"The feedback folder {path} holds submissions ({_names(holding)}); feedback "
                "workbooks are named by office code and could replace them. Choose a folder "
                f"of its own, for example {path / 'feedback'}.",
                th=f"โฟลเดอร์แจ้งผล {path} มีแบบประเมินอยู่ ({_names(holding, th=True)}) สมุดงานแจ้งผล"
                "ตั้งชื่อตามรหัสหน่วยงานจึงอาจแทนที่แบบประเมินเหล่านั้น ใช้โฟลเดอร์แยกต่างหาก "
                f"เช่น {path / 'feedback'}",
            )
    else:
        clashing = [p for k, p in inputs.items() if k.parent == key and k.suffix == ".csv"]
        if clashing:
            raise UsageError(
                f"The CSV folder {path} holds input files ({_names(clashing)}). Choose a "
                "folder of its own.",
                th=f"โฟลเดอร์ CSV {path} มีไฟล์นำเข้าอยู่ ({_names(clashing, th=True)}) "
                "ใช้โฟลเดอร์แยกต่างหาก",
            )
    where = path if path.is_dir() else _existing_ancestor(path)
    reason = _probe(where)
    if reason is not None:
        raise UsageError(
            f"Cannot write into {path} ({option}): {where} is not writable ({reason}). "
            "Choose a folder you can write to.",
            th=f"เขียนลง {path} ({option}) ไม่ได้ เพราะเขียนลง {where} ไม่ได้ ('{reason}') "
            "เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
        )
    if force or not path.is_dir():
        return
    suffixes = _folder_suffixes(target)
    record = written_record(path)
    foreign = [
        p
        for p in sorted(path.iterdir())
        if p.suffix.lower() in suffixes
        and p.is_file()
        and not pmqa_wrote(p, _form_of(p, target), record=record)
    ]
    if foreign:
        suffix = " and ".join(suffixes)
        raise UsageError(
            f"The folder {path} ({option}) already holds {suffix} files pmqa did not write, "
            f"or changed since pmqa wrote them ({_names(foreign)}), which a file pmqa writes "
            "could replace. Choose an empty or new folder, or add --force to replace them.",
            th=f"โฟลเดอร์ {path} ({option}) มีไฟล์ {suffix} ที่ pmqa ไม่ได้เขียน หรือถูกแก้ไขหลังจาก "
            f"pmqa เขียนอยู่แล้ว ({_names(foreign, th=True)}) ซึ่งไฟล์ที่ pmqa เขียนอาจแทนที่ได้ "
            "เลือกโฟลเดอร์ว่างหรือโฟลเดอร์ใหม่ หรือเพิ่ม --force เพื่อแทนที่",
        )


def _form_of(file: Path, folder: Target) -> Form:
    """What a file in a folder output is: a PDF printed beside a workbook, or the folder's own."""
    return Form.PDF if file.suffix.lower() == ".pdf" else folder.form


def _refuse_input_folder(target: Target, key: Path) -> None:
    """A CSV or map folder that is a folder of submissions: its files would sit among the
    offices' workbooks, and every later batch of that folder would list them. (A folder inside
    one keeps them apart and is allowed: discovery never reads them as submissions, they are not
    spreadsheets.)"""
    own = key.parent / f"{key.name}-{target.option.lstrip('-')}"
    raise UsageError(
        f"The {target.option} folder {target.path} is a submissions folder this run reads; "
        "pmqa does not write its outputs among the offices' workbooks, where every later "
        f"batch would list them as passed over. Choose a folder of its own, for example {own}.",
        th=f"โฟลเดอร์ {target.option} {target.path} เป็นโฟลเดอร์แบบประเมินที่การประมวลผลนี้อ่าน "
        "pmqa ไม่เขียนผลลัพธ์ปนกับแบบประเมินของหน่วยงาน ซึ่งการประมวลผลครั้งต่อไปจะต้องแจ้งว่าข้าม"
        f"ไฟล์เหล่านี้ทุกครั้ง ใช้โฟลเดอร์แยกต่างหาก เช่น {own}",
    )


def _folder_suffixes(target: Target) -> tuple[str, ...]:
    """What a folder output writes that could replace a file already there."""
    suffix = {Form.CSV_FOLDER: ".csv", Form.MAP_FOLDER: ".png"}.get(target.form, ".xlsx")
    return (suffix, ".pdf") if target.with_pdf else (suffix,)


def _clash(a: Target, a_key: Path, b: Target, b_key: Path) -> bool:
    """Two outputs that would write the same file."""
    if a_key == b_key:
        return True
    for folder, folder_key, file, file_key in ((a, a_key, b, b_key), (b, b_key, a, a_key)):
        if folder.is_folder and not file.is_folder and file_key.parent == folder_key:
            return file_key.suffix.lower() in _folder_suffixes(folder)
    return False


def check_outputs(
    targets: Sequence[Target],
    *,
    inputs: Iterable[Path] = (),
    input_folders: Iterable[Path] = (),
    force: bool = False,
) -> None:
    """Refuse, with a usage error, any output that could harm an input or another file.

    ``inputs`` are the files the command reads (submissions found, rubric, registry);
    ``input_folders`` the folders it searches. Call this before any work is done.
    """
    keyed = {_key(p): p for p in inputs if Path(p).exists()}
    folders = [_key(f) for f in input_folders if Path(f).is_dir()]
    seen: dict[Path, Target] = {}
    for target in targets:
        key = _key(target.path)
        for other_key, other in seen.items():
            if _clash(target, key, other, other_key):
                raise UsageError(
                    f"{target.option} and {other.option} both name {target.path}; give each "
                    "output a path of its own.",
                    th=f"{target.option} และ {other.option} ระบุไฟล์เดียวกัน ({target.path}) "
                    "ให้ผลลัพธ์แต่ละอย่างมีที่เก็บของตนเอง",
                )
        seen[key] = target
        if target.is_folder:
            _check_folder(target, keyed, folders, force)
        else:
            _check_file(target, keyed, folders, force)
