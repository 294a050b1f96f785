"""Rich rendering of a batch (its progress and closing summary) and of a comparison."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pmqa_cli.assess.batch import PROVISIONAL, BatchResult
from pmqa_cli.cli.lang import current, tr
from pmqa_cli.cli.render import err_console, findings_table, heading, out_console, rubric_line
from pmqa_cli.cli.thaitext import ThaiText
from pmqa_cli.core.numbers import Shown, show_number

if TYPE_CHECKING:
    from pmqa_cli.compare.comparison import Comparison

__all__ = ["batch_summary", "comparison", "progress"]

#: The three parts' English names (compare.comparison.PARTS names them in Thai).
_PARTS_EN = {"overall": "overall", "pmqa": "categories 1-6 (PMQA 4.0)",
             "results": "category 7 (indicators)"}  # fmt: skip


@contextmanager
def progress(total: int) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr for a terminal (count, rate, time left); plain lines otherwise."""
    console = err_console()
    if console.is_terminal:
        bar = Progress(
            TextColumn(tr("กำลังประเมิน", "Scoring")),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        task = bar.add_task("score", total=total, rate="")
        with bar:

            def tick(done: int, all_files: int, path: str) -> None:
                elapsed = bar.tasks[0].elapsed or 0
                speed = f"{done / elapsed:.1f}"
                rate = tr(f"{speed} ไฟล์/วินาที", f"{speed} files/s") if elapsed else ""
                bar.update(task, completed=done, rate=rate)

            yield tick
        return
    step = max(1, total // 10)

    def plain(done: int, all_files: int, path: str) -> None:
        if done % step == 0 or done == all_files:
            console.print(tr(f"ประเมินแล้ว {done}/{all_files}", f"scored {done}/{all_files}"))

    yield plain


def _duplicates(batch: BatchResult) -> str | int:
    """The files of offices that sent more than one, and how many offices that is ("2 (1
    office)": two files are one office's, not two offices')."""
    files, offices = len(batch.duplicates), len({d.code for d in batch.duplicates})
    if not files:
        return 0
    return tr(f"{files} (ของ {offices} หน่วยงาน)", f"{files} (of {offices} office(s))")


def batch_summary(batch: BatchResult, written: Sequence[Path]) -> None:
    """The closing summary of a batch."""
    console = out_console()
    counts = batch.counts()
    heading(console, tr("สรุปการประเมิน", "Batch summary"))
    console.print(rubric_line(batch.rubric))
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        (tr("ประเมินได้ ไม่มีข้อผิดพลาด", "Scored, no errors"), counts["scored_clean"], "green"),
        (tr("ประเมินได้ มีข้อผิดพลาด", "Scored with errors"), counts["scored_with_errors"], "red"),
        (tr("อ่านไม่ได้", "Unreadable"), counts["unreadable"], "red"),
        (tr("ไฟล์ส่งซ้ำ", "Duplicate files"), _duplicates(batch), "yellow"),
        # Without a registry no office is known to be missing: not "0", which reads as none.
        (
            tr("หน่วยงานที่ไม่ได้ส่ง", "Missing offices"),
            counts["missing"]
            if batch.registry is not None
            else tr("ไม่ได้ตรวจ (ไม่มี --registry)", "not checked (no --registry)"),
            "yellow",
        ),
        (tr("ไฟล์อื่นที่ข้าม", "Other files passed over"), counts["skipped"], "dim"),
        (
            tr("ผลลัพธ์ของ pmqa ที่ข้าม", "pmqa's own outputs passed over"),
            counts["pmqa_outputs_skipped"],
            "dim",
        ),
    ]
    for label, value, style in rows:
        table.add_row(label, f"[{style}]{value}[/]" if value else "0")
    console.print(table)
    _files_not_scored(batch)
    if batch.outputs_skipped:
        skipped, example = len(batch.outputs_skipped), Path(batch.outputs_skipped[0]).name
        console.print(
            ThaiText(tr(f"ไม่ได้อ่านเป็นแบบประเมิน ({skipped}): สมุดงานผลและแบบรายงานที่ pmqa เขียนเอง "
                        f"เช่น {example}",
                        f"Not read as submissions ({skipped}): results and feedback workbooks "
                        f"pmqa wrote itself, e.g. {example}"), style="dim")
        )  # fmt: skip
    conflicts = {d.code for d in batch.duplicates if d.copy_of is None and not d.chosen}
    for duplicate in batch.duplicates:
        if duplicate.chosen and duplicate.code in conflicts:
            name = Path(duplicate.path).name
            console.print(
                ThaiText(tr(f"หน่วยงาน {duplicate.code} ส่งหลายไฟล์ที่ต่างกัน ใช้คะแนนจากไฟล์ {name} "
                            "(วันที่ส่งในแบบฟอร์มล่าสุด แล้วตามชื่อไฟล์) ผลเป็นผลเบื้องต้นจนกว่าจะลบไฟล์อื่นออก",
                            f"Office {duplicate.code} sent different files; scored {name} "
                            "(latest submission date in the workbook, then file name). Its result "
                            "is provisional until the others are removed."), style="yellow")
            )  # fmt: skip
    if batch.verification is not None:
        changes = [len(f.changes) for f in batch.scored if f.changes]
        count = show_number(sum(changes), Shown.COUNT, 0)
        files = len(batch.verification.files)
        console.print(
            ThaiText(tr(f"ตรวจสอบด้วย {files} ไฟล์: แทนค่า {count} รายการ ใน {len(changes)} หน่วยงาน "
                        "คะแนนทางการและอันดับใช้ผลที่ตรวจสอบแล้ว (แผ่นงาน การตรวจสอบ)",
                        f"Verified with {files} file(s): {count} value(s) replaced in "
                        f"{len(changes)} office(s); the official scores and ranks are the "
                        "verified ones (sheet การตรวจสอบ)."))
        )  # fmt: skip
        problems = batch.verification.findings
        if problems:
            # Bad rows were not applied: say which, with their file and cell, here too.
            errors = sum(1 for f in problems if f.severity.value == "error")
            console.print(
                ThaiText(tr(f"ไฟล์ตรวจสอบมีปัญหา {len(problems)} รายการ (ข้อผิดพลาด {errors}) "
                            "แถวที่มีข้อผิดพลาดไม่ถูกนำไปใช้:",
                            f"The verification files have {len(problems)} problem(s) ({errors} "
                            "error(s)); rows with errors were not applied:"), style="red")
            )  # fmt: skip
            console.print(findings_table(problems[:20], show_file=True))
            if len(problems) > 20:
                more = len(problems) - 20
                console.print(ThaiText(tr(f"  และอีก {more} รายการ ในแผ่นงาน ปัญหาที่พบ",
                                          f"  ... {more} more in the ปัญหาที่พบ sheet")))  # fmt: skip
    provisional = [f for f in batch.scored_summaries if f.provisional]
    if provisional:
        console.print(
            ThaiText(tr(f"ผลเบื้องต้น {len(provisional)} หน่วยงาน (ทำเครื่องหมายไว้ในสรุปผล):",
                        f"{len(provisional)} provisional result(s), marked in the summary:"),
                     style="yellow")
        )  # fmt: skip
        thai = current() == "th"
        for f in provisional[:10]:
            reasons = ", ".join(PROVISIONAL[r][0 if thai else 1] for r in f.provisional)
            if f.rank is not None:
                rank = tr(f"อันดับ {f.rank}", f"rank {f.rank}")
            else:
                rank = tr("ไม่จัดอันดับ", "not ranked")
            who = escape(f.office.code or Path(f.path).name)
            console.print(ThaiText(f"  {who}: {rank}; {reasons}"))
        if len(provisional) > 10:
            more = len(provisional) - 10
            console.print(ThaiText(tr(f"  และอีก {more} หน่วยงาน", f"  ... and {more} more")))
    for path in written[:5]:
        console.print(ThaiText(tr("เขียนแล้ว ", "Wrote ") + str(path)))
    if len(written) > 5:
        console.print(
            ThaiText(tr(f"และอีก {len(written) - 5} ไฟล์", f"... and {len(written) - 5} more files"))
        )


_NAMED = 10  # files named in the summary before "and N more"


def _names(paths: Sequence[str]) -> str:
    named = ", ".join(escape(Path(p).name) for p in paths[:_NAMED])
    more = len(paths) - _NAMED
    return named + (tr(f" และอีก {more} ไฟล์", f" and {more} more") if more > 0 else "")


def _files_not_scored(batch: BatchResult) -> None:
    """The files the summary counts without scoring them, by name: each unreadable one with
    why and what to do, the files passed over, and the copies counted once."""
    console = out_console()
    unreadable = [s for s in batch.summaries if not s.readable]
    if unreadable:
        console.print(ThaiText(tr(f"อ่านไม่ได้ {len(unreadable)} ไฟล์:",
                                  f"Unreadable ({len(unreadable)}):"), style="red"))  # fmt: skip
        problems = [f for s in unreadable[:_NAMED] for f in s.findings[:1]]
        console.print(findings_table(problems, show_file=True))
        if len(unreadable) > _NAMED:
            more = len(unreadable) - _NAMED
            console.print(ThaiText(tr(f"  และอีก {more} ไฟล์ ในแผ่นงาน ปัญหาที่พบ",
                                      f"  ... {more} more in the ปัญหาที่พบ sheet")))  # fmt: skip
    if batch.skipped:
        console.print(
            ThaiText(tr("ไฟล์อื่นที่ข้าม (ไม่ใช่สเปรดชีต หรือเป็นไฟล์ที่ให้คำสั่งนี้ใช้ เช่น --review "
                        f"หรือ --previous): {_names(batch.skipped)}",
                        "Other files passed over (not spreadsheets, or files this command was "
                        f"given as --review, --previous...): {_names(batch.skipped)}"),
                     style="dim")
        )  # fmt: skip
    for copy in [d for d in batch.duplicates if d.copy_of is not None][:_NAMED]:
        name, of = escape(Path(copy.path).name), escape(Path(copy.copy_of or "").name)
        console.print(
            ThaiText(tr(f"ไฟล์ {name} เหมือนกับ {of} ทุกไบต์ นับเป็นไฟล์เดียว",
                        f"{name} is a byte-identical copy of {of}: counted once."), style="dim")
        )  # fmt: skip


def comparison(found: Comparison) -> None:
    """What changed since each earlier result: offices, national means, most improved; then the
    problems found in the files compared."""
    console = out_console()
    digits = found.decimals
    for r in found.rounds:
        heading(console, tr(f"{found.current.label} เทียบกับ {r.label}",
                             f"{found.current.label} compared with {r.label}"))  # fmt: skip
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(justify="right", no_wrap=True)
        table.add_row(tr("หน่วยงานที่มีทั้งสองครั้ง", "Offices in both"), str(len(r.both)))
        current = found.current.label
        table.add_row(ThaiText(tr(f"มีเฉพาะ {current}", f"Only in {current}")),
                      str(len(r.only_current)))  # fmt: skip
        table.add_row(ThaiText(tr(f"มีเฉพาะ {r.label}", f"Only in {r.label}")),
                      str(len(r.only_previous)))  # fmt: skip
        for m in r.means[:3]:
            # "-": no mean to compare (the earlier result has no such part, e.g. category 7)
            change = show_number(m.change, Shown.CHANGE, digits) or "-"
            label = tr(m.label, _PARTS_EN.get(m.key, m.key))
            # Over the offices in both rounds (the count above), never two different sets.
            table.add_row(ThaiText(tr(f"ค่าเฉลี่ย{label} เปลี่ยนไป (เฉพาะหน่วยงานที่มีทั้งสองครั้ง)",
                                      f"Change in mean {label} (offices in both)")),
                          change)  # fmt: skip
        console.print(table)
        if r.unmatched_items:
            console.print(
                ThaiText(
                    tr("ไม่มีรายการเทียบในครั้งก่อน (เทียบเฉพาะคะแนนรวมและรายหมวด): ",
                       "No earlier counterpart (compared only through overall and parts): ")
                    + ", ".join(r.unmatched_items),
                    style="yellow",
                )
            )  # fmt: skip
        improved = r.improved.get("รวม", [])[:3]
        if improved:
            listed = ", ".join(
                f"{o.office.name or o.code} ({show_number(o.change(), Shown.CHANGE, digits)})"
                for o in improved
            )
            console.print(ThaiText(tr("พัฒนาขึ้นมากที่สุด: ", "Most improved: ") + listed))
    problems = found.findings
    if problems:
        console.print(findings_table(problems, show_file=True))
