"""One run, one set of outputs: staged beside their targets, committed together or not at all.

A run's outputs (results workbook, JSON, CSV folder, feedback folder, PDFs) are written into a
private staging folder next to each target (same disk, so moving them into place is a rename),
and moved into place only when every one of them was written. A full disk, Ctrl+C, SIGTERM or an
error part-way leaves the previous outputs as they were and removes what was staged.

A lock beside each target (``.NAME.pmqa-lock``) holds off a second run aimed at the same outputs
while one is running; it names the run that holds it. A lock whose run has ended (its process is
gone, on this machine) is stale and is taken over; one from another machine is reported with how
to remove it. Temporary files of the run live in the staging folder too (owner-only), never in
the shared system temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from pmqa_cli.core.errors import DISK_ERRORS, OutputError, UsageError
from pmqa_cli.core.portable import check_stop, process_alive
from pmqa_cli.report.guard import WRITTEN_RECORD, merge_record, record_workbooks

__all__ = ["LOCK_SUFFIX", "STAGING_PREFIX", "OutputSet", "lock_path"]

LOCK_SUFFIX = ".pmqa-lock"
STAGING_PREFIX = ".pmqa-staging-"


def lock_path(target: Path) -> Path:
    """The lock file of an output: hidden, beside it (discovery and Excel pass it over)."""
    return target.parent / f".{target.name}{LOCK_SUFFIX}"


@dataclass
class _Lock:
    path: Path

    @staticmethod
    def _holder(path: Path) -> dict[str, object]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @classmethod
    def take(cls, target: Path, command: str) -> _Lock:
        path = lock_path(target)
        record = json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": datetime.now().isoformat(timespec="seconds"),
                "command": command,
            },
            ensure_ascii=False,
        )
        for _ in range(2):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if cls._stale(path):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                    continue
                raise cls._held(target, path) from None
            except OSError as exc:
                raise OutputError(
                    f"Cannot write next to {target}: {exc.strerror or exc}. Choose a folder you "
                    "can write to.",
                    th=f"เขียนไฟล์ข้าง {target} ไม่ได้ ('{exc.strerror or exc}') เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
                ) from None
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(record)
            except BaseException:  # a full disk, Ctrl+C: no lock of ours is left behind
                with contextlib.suppress(OSError):
                    path.unlink()
                raise
            return cls(path)
        raise cls._held(target, path)  # pragma: no cover - a race lost twice

    @classmethod
    def _stale(cls, path: Path) -> bool:
        holder = cls._holder(path)
        pid = holder.get("pid")
        if holder.get("host") != socket.gethostname() or not isinstance(pid, int):
            return False  # another machine's run (a shared drive), or unreadable: not ours to end
        return pid != os.getpid() and not process_alive(pid)

    @classmethod
    def _held(cls, target: Path, path: Path) -> UsageError:
        """The usage error of a held lock, in English and in Thai."""
        holder = cls._holder(path)
        who = (
            f"pmqa run {holder.get('pid', '?')} on {holder.get('host', '?')}, started "
            f"{holder.get('started', '?')} ({holder.get('command', '?')})"
            if holder
            else "another pmqa run"
        )
        who_th = (
            f"pmqa อีกงานหนึ่ง (กระบวนการ {holder.get('pid', '?')} บนเครื่อง "
            f"'{holder.get('host', '?')}' เริ่มเมื่อ {holder.get('started', '?')} "
            f"คำสั่ง '{holder.get('command', '?')}')"
            if holder
            else "pmqa อีกงานหนึ่ง"
        )
        return UsageError(
            f"{target} is being written by another {who}. Wait for it to finish, or choose "
            f"other outputs. If no such run is going on, delete {path} and run again.",
            th=f"{target} กำลังถูกเขียนโดย {who_th} รอให้งานนั้นเสร็จก่อน หรือเลือกที่เก็บผลลัพธ์อื่น "
            f"หากไม่มีงานนั้นอยู่จริง ให้ลบ {path} แล้วเรียกคำสั่งอีกครั้ง",
        )

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


def _remove_abandoned(parent: Path) -> None:
    """Staging folders a run left when it was killed outright (``kill -9``, a power cut): their
    process is gone, so nothing will commit them; they are removed before a new run stages."""
    with contextlib.suppress(OSError):
        for folder in parent.glob(f"{STAGING_PREFIX}*"):
            pid = folder.name.removeprefix(STAGING_PREFIX).split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot make the folder {target.parent}: {exc.strerror or exc}. Choose a folder "
            "you can write to.",
            th=f"สร้างโฟลเดอร์ {target.parent} ไม่ได้ ('{exc.strerror or exc}') เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
        ) from None


def _in_given_words(error: BaseException, places: dict[Path, Path]) -> OutputError | None:
    """What a failed write says, naming the paths the user gave (``places``: each staged place
    and its target as given) rather than the staging folder, and that nothing was written;
    None for what is not an output problem (a bug keeps its own traceback)."""
    if isinstance(error, OutputError):
        said, said_th = str(error), error.th
        for place in sorted(places, key=lambda p: -len(str(p))):
            said = said.replace(str(place), str(places[place]))
            said_th = said_th.replace(str(place), str(places[place]))
    elif isinstance(error, OSError) and error.errno in DISK_ERRORS:
        named = ", ".join(str(p) for p in places.values())
        said = (
            f"Cannot write {named or 'the outputs'}: {error.strerror or error}. Free some "
            "space, or choose a folder on another disk."
        )
        said_th = (
            f"เขียน{f' {named} ' if named else 'ผลลัพธ์'}ไม่ได้ ('{error.strerror or error}') "
            "เพิ่มพื้นที่ว่าง หรือเลือกโฟลเดอร์บนดิสก์อื่น"
        )
    else:
        return None
    return OutputError(
        f"{said} Nothing was written: the previous outputs are as they were.",
        th=f"{said_th} ไม่ได้เขียนผลใด ๆ ผลลัพธ์เดิมยังอยู่ครบ" if said_th else "",
    )


@dataclass
class OutputSet:
    """The outputs of one run. Use as a context manager::

        with OutputSet([results, feedback_folder], command="pmqa batch ...") as outputs:
            write_results(outputs.stage(results))
            write_feedback(outputs.stage(feedback_folder))
            outputs.commit()

    ``stage(target)`` is where to write ``target`` (a file, or a folder whose files are moved into
    the target folder); nothing reaches the targets until :meth:`commit`. Leaving the block
    without committing (an error, Ctrl+C, SIGTERM) removes everything staged and every lock.
    """

    targets: Sequence[Path]
    command: str = "pmqa"
    _locks: list[_Lock] = field(default_factory=list, init=False)
    _staging: dict[Path, Path] = field(default_factory=dict, init=False)
    _staged: dict[Path, Path] = field(default_factory=dict, init=False)
    _given: dict[Path, Path] = field(default_factory=dict, init=False)  # as the caller named it
    committed: list[Path] = field(default_factory=list, init=False)
    _committing: bool = field(default=False, init=False)

    def __enter__(self) -> OutputSet:
        try:
            for target in sorted({Path(t).absolute() for t in self.targets}):
                if not target.parent.is_dir():  # a folder output inside a folder to be made
                    _make_parent(target)
                self._locks.append(_Lock.take(target, self.command))
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        places = {place: self._given.get(t, t) for t, place in self._staged.items()}
        plain = None if self._committing or error is None else _in_given_words(error, places)
        self._release()
        if plain is not None:
            raise plain from None

    def _folder(self, parent: Path) -> Path:
        """The staging folder beside outputs in ``parent`` (created owner-only on first use)."""
        if parent not in self._staging:
            _remove_abandoned(parent)
            name = f"{STAGING_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
            folder = parent / name
            try:
                folder.mkdir(mode=0o700)
            except OSError as exc:
                raise OutputError(
                    f"Cannot write in {parent}: {exc.strerror or exc}. Choose a folder you can "
                    "write to.",
                    th=f"เขียนลงโฟลเดอร์ {parent} ไม่ได้ ('{exc.strerror or exc}') "
                    "เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
                ) from None
            self._staging[parent] = folder
        return self._staging[parent]

    def stage(self, target: Path) -> Path:
        """Where to write ``target`` for now (its folder is created for a folder target's files
        by the writer, as it would be for the target itself)."""
        given, target = Path(target), Path(target).absolute()
        self._given.setdefault(target, given)
        if target not in self._staged:
            self._staged[target] = self._folder(target.parent) / "new" / target.name
            self._staged[target].parent.mkdir(exist_ok=True)
        return self._staged[target]

    def final(self, staged: Path) -> Path:
        """Where a file written under :meth:`stage` ends up once committed, named as the
        caller named its target (a relative path stays relative)."""
        for target, place in self._staged.items():
            given = self._given.get(target, target)
            if staged == place:
                return given
            if staged.is_relative_to(place):
                return given / staged.relative_to(place)
        raise ValueError(f"{staged} was not staged here")

    @property
    def scratch(self) -> Path:
        """A private folder for the run's temporary files, removed with the staging folder."""
        targets = [Path(t).absolute() for t in self.targets]
        folder = self._folder(targets[0].parent if targets else Path.cwd()) / "scratch"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def _moves(self) -> Iterator[tuple[Path, Path]]:
        """(staged file, its final place), for every file written."""
        for target, staged in self._staged.items():
            if staged.is_dir():
                for file in sorted(p for p in staged.rglob("*") if not p.is_dir()):
                    yield file, target / file.relative_to(staged)
            elif staged.exists():
                yield staged, target

    def commit(self) -> list[Path]:
        """Move every staged file into place; if one move fails, put back what was moved.
        Nothing moves once the run was asked to stop (even if Python swallowed the stop's
        exception on the way: :func:`~pmqa_cli.core.portable.check_stop`)."""
        check_stop()
        _record_workbooks(self)
        self._committing = True
        done: list[tuple[Path, Path, Path | None]] = []  # (staged, final, backup of the old)
        # A record of the files pmqa wrote (report/guard.py) goes last, merged with the record
        # already there once the files it names are in place: it adds, never forgets.
        try:
            moves = sorted(self._moves(), key=lambda move: move[0].name == WRITTEN_RECORD)
            for staged, final in moves:
                if staged.name == WRITTEN_RECORD:
                    merge_record(staged, final)
                backup = None
                final.parent.mkdir(parents=True, exist_ok=True)
                if final.exists():
                    backup = staged.with_name(f"{staged.name}.previous")
                    final.replace(backup)
                staged.replace(final)
                done.append((staged, final, backup))
        except BaseException as exc:
            for staged, final, backup in reversed(done):
                with contextlib.suppress(OSError):
                    final.replace(staged)
                    if backup is not None:
                        backup.replace(final)
            if isinstance(exc, OSError):
                raise OutputError(
                    f"Cannot put the outputs in place: {exc.strerror or exc}. The previous "
                    "outputs are as they were.",
                    th=f"ย้ายผลลัพธ์เข้าที่ไม่ได้ ('{exc.strerror or exc}') ผลลัพธ์เดิมยังอยู่ครบ",
                ) from None
            raise
        self.committed = [final for _, final, _ in done]
        return self.committed

    def _release(self) -> None:
        for folder in self._staging.values():
            shutil.rmtree(folder, ignore_errors=True)
        self._staging.clear()
        for lock in reversed(self._locks):
            lock.release()
        self._locks.clear()


def _record_workbooks(outputs: OutputSet) -> None:
    """Every workbook of the set named, with its SHA-256, in the record of the folder it goes to
    (report/guard.py): a workbook saved since by a program that leaves pmqa's "last modified by"
    in it is then told from pmqa's own, and not replaced without --force."""
    workbooks = []
    for staged, target in list(outputs._moves()):
        if staged.suffix.lower() != ".xlsx":
            continue
        if staged == outputs._staged.get(target):  # a file of its own: its record beside it
            outputs.stage(target.parent / WRITTEN_RECORD)
        workbooks.append(staged)
    record_workbooks(workbooks)
