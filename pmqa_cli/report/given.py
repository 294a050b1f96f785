"""What a command is given, loaded and checked before any work: the rubric, the registry, the
reading limits, the verification files, and LibreOffice for --pdf.

Every problem here is a usage error (exit 2) whose message names the option to fix. Shared by
every command, so it stays light: the batch's own work is in :mod:`pmqa_cli.report.run`.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from itertools import islice
from pathlib import Path

from pmqa_cli.core.errors import UsageError
from pmqa_cli.io.registry import Office, Registry, load_registry, sample_registry_path
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.report.pdf import INSTALL_HINT, LibreOfficeMissingError, find_soffice
from pmqa_cli.rubric.load import load_rubric, resolve_rubric, shipped_rubrics
from pmqa_cli.rubric.model import Rubric
from pmqa_cli.verify.inputs import Verification, load_verification

__all__ = [
    "find_office",
    "given_paths",
    "load_registry_option",
    "load_rubric_option",
    "load_verification_option",
    "must_exist",
    "need_pdf",
    "not_a_folder",
    "reading_limits",
    "registry_or_sample",
]


def given_paths(*paths: Path | None) -> list[Path]:
    """The paths of the options that were given (an option not given is None)."""
    return [p for p in paths if p is not None]


#: The names of a folder compared with a path that is not there, at most (a folder of a
#: hundred thousand files is not listed whole to suggest a name).
_NAMES_COMPARED = 10_000


def must_exist(*paths: Path) -> None:
    """A usage error naming the first of ``paths`` that does not exist: where it was looked
    for, and the name in that folder it most likely means (a typo: "sampels")."""
    for path in paths:
        if not path.exists():
            folder = path.parent
            where = folder.absolute()
            near = _nearest(path.name, folder)
            if near is not None:
                meant = folder / near
                hint, hint_th = f"Did you mean {meant}?", f"หมายถึง {meant} หรือไม่"
            else:
                hint, hint_th = "Check the name, or give the full path.", "ตรวจสอบชื่อ หรือระบุที่อยู่เต็ม"
            raise UsageError(
                f"{path} does not exist (looked for in {where}). {hint}",
                th=f"ไม่พบ {path} (ค้นหาใน {where}) {hint_th}",
            )


def _nearest(name: str, folder: Path) -> str | None:
    """The name in ``folder`` closest to ``name``, when one is close (None otherwise)."""
    try:
        names = [p.name for p in islice(folder.iterdir(), _NAMES_COMPARED)]
    except OSError:
        return None
    found = get_close_matches(name, [n for n in names if not n.startswith(".")], n=1, cutoff=0.75)
    return found[0] if found else None


def not_a_folder(path: Path, command: str) -> None:
    """A usage error when ``path``, given to ``pmqa command`` as the one workbook it takes, is a
    folder: a folder of submissions is what ``pmqa batch`` (or ``pmqa validate``) reads."""
    if path.is_dir():
        raise UsageError(
            f"{path} is a folder; pmqa {command} takes one workbook (FILE.xlsx). To score every "
            f"submission in it: pmqa batch {path} -o results.xlsx (to check them only: "
            f"pmqa validate {path}).",
            th=f"{path} เป็นโฟลเดอร์ pmqa {command} รับแบบประเมินทีละไฟล์ (FILE.xlsx) หากต้องการ"
            f"ประเมินทุกไฟล์ในโฟลเดอร์นี้ ใช้ pmqa batch {path} -o results.xlsx (หากต้องการตรวจอย่างเดียว "
            f"ใช้ pmqa validate {path})",
        )


def load_rubric_option(path: Path | None) -> Rubric:
    """The rubric --rubric names (a file or a shipped rubric's id), or the shipped default."""
    file = resolve_rubric(path)
    if file is not None and not file.exists():
        ids = ", ".join(f.stem for f in shipped_rubrics())
        raise UsageError(f"--rubric {path}: no such file, and no shipped rubric has that id "
                         f"(shipped: {ids}).",
                         th=f"--rubric {path}: ไม่พบไฟล์นี้ และไม่มีเกณฑ์ที่มากับโปรแกรมที่ใช้รหัสนี้ "
                            f"(ที่มี: {ids})")  # fmt: skip
    return load_rubric(file)[0]


def reading_limits() -> Limits:
    """The limits on what one workbook may hold, from the environment (docs/security.md)."""
    try:
        return Limits.from_env()
    except ValueError as exc:
        thai = getattr(exc, "th", "")
        raise UsageError(
            f"{exc} (see docs/security.md for the reading limits).",
            th=f"{thai} (ดูขีดจำกัดการอ่านใน docs/security.md)" if thai else "",
        ) from None


def load_registry_option(path: Path | None) -> Registry | None:
    """The registry --registry names; None when it was not given."""
    if path is not None and not path.exists():
        raise UsageError(f"--registry {path}: no such file.", th=f"--registry {path}: ไม่พบไฟล์นี้")
    return load_registry(path) if path is not None else None


def registry_or_sample(path: Path | None) -> Registry:
    """The registry --registry names, or the shipped sample registry when it was not given."""
    return load_registry_option(path) or load_registry(sample_registry_path())


def find_office(code: str, path: Path | None) -> Office:
    """The office with this code in the registry --registry names (default: the sample)."""
    offices = registry_or_sample(path)
    entry = offices.get(code.strip())
    if entry is None:
        raise UsageError(f"The office code {code} is not in the registry {offices.source}.",
                         th=f"ไม่มีรหัสหน่วยงาน {code} ในทะเบียนหน่วยงาน {offices.source}")  # fmt: skip
    return entry


def load_verification_option(
    rubric: Rubric,
    reviews: Sequence[Path] | None,
    data: Sequence[Path] | None,
    corrections: Sequence[Path] | None,
    offices: Registry | None,
    limits: Limits,
) -> Verification | None:
    """The review, data and correction files, read and checked; None when none was given."""
    given = [*(reviews or []), *(data or []), *(corrections or [])]
    if not given:
        return None
    for path in given:
        if not path.is_file():
            raise UsageError(f"{path} does not exist (or is not a file).",
                             th=f"ไม่พบไฟล์ {path}")  # fmt: skip
    verification = load_verification(
        rubric, reviews=list(reviews or []), data=list(data or []),
        corrections=list(corrections or []), limits=limits,
    )  # fmt: skip
    if offices is not None:
        verification.check_offices({o.code: o.type for o in offices}, rubric)
    return verification


def need_pdf(has_workbook: bool, what: str) -> None:
    """--pdf prints workbooks: it needs one to print and LibreOffice to print it, checked
    before any scoring so that a long batch does not fail at its end."""
    if not has_workbook:
        raise UsageError(f"--pdf prints the feedback workbook: add {what}.",
                         th=f"--pdf พิมพ์แบบรายงานผลรายหน่วยงาน ต้องระบุ {what} ด้วย")  # fmt: skip
    if find_soffice() is None:
        raise LibreOfficeMissingError(INSTALL_HINT)
