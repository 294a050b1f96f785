"""Time `pmqa batch` against the obvious baseline and the I/O floor.

    python benchmarks/bench_batch.py --count 245 --runs 5
    python benchmarks/bench_batch.py --count 10000 --runs 1 --only pmqa

Submissions are generated once with `pmqa sample` and cached in benchmarks/.cache/. The
commands run as separate processes, interleaved over ``--runs`` rounds; each is timed (wall
clock) and the CPU time of its whole process tree is read from the OS (the workers are reaped
by pmqa, so their time is counted with it; where the OS does not say, as on Windows, it is left
out). "busy" is that CPU time over wall time x cores: how much of the machine the command
kept working. Each command then runs once more, untimed, while its peak memory is sampled over
its whole process tree (workers included) every 20 ms: sampling takes CPU, which slowed the
commands that use every core and not the others, so it is kept out of the timed runs.

- pmqa: `pmqa batch FOLDER -o results.xlsx` (validation, scoring, isolation, results.xlsx).
- pmqa-all: the same with `--feedback DIR --csv DIR --json FILE` (every output of a batch).
- pmqa-j1: `pmqa batch --jobs 1` (one worker: what the parallel batch must not slow down).
- pmqa-before: `pmqa batch` of another checkout of pmqa (``--before SRC``), run side by side
  to measure what a change costs (the exact arithmetic was measured this way).
- pmqa-all-before: pmqa-all of that other checkout (with ``--before SRC``, when pmqa-all runs).
- baseline: what an analyst would write first: pandas.read_excel(sheet_name=None,
  engine="openpyxl") on every file. It only reads.
- floor: python-calamine reading every sheet of every file, plus xlsxwriter in constant-memory
  mode writing as many cells as pmqa's results.xlsx holds: the bare I/O the job cannot avoid.

Needs `pip install ".[bench]"` (psutil, python-calamine, xlsxwriter).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"

BASELINE = """
import sys, pathlib, pandas
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.xlsx")):
    pandas.read_excel(path, sheet_name=None, engine="openpyxl")
"""

FLOOR = """
import sys, pathlib
from python_calamine import CalamineWorkbook
import xlsxwriter
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
cells, columns = int(sys.argv[2]), 9
out = xlsxwriter.Workbook(sys.argv[3], {"constant_memory": True})
sheet = out.add_worksheet()
row = 0
for n in range(cells // columns):
    sheet.write_row(n, 0, ["P001", "sha", "PMQA 4.0", "F5", "PM1-B1", "answer", "ผ่าน", 1.0, 2.0])
out.close()
"""


def submissions(count: int, seed: int) -> Path:
    """The cached folder of ``count`` sample submissions (generated on first use)."""
    folder = CACHE / f"n{count}-s{seed}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count} submissions in {folder} (once) ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            ["pmqa", "sample", "--count", str(count), "--out", str(folder), "--seed", str(seed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(f"{time.perf_counter() - started:.1f} s\n")
    return folder


def _children_cpu() -> float | None:
    """CPU seconds of every reaped descendant so far (None where the OS does not say)."""
    try:
        import resource  # POSIX only
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], *, watch: bool = False) -> tuple[float, float, int, float | None]:
    """Run a command; returns (seconds, peak MB of its process tree, exit code, CPU seconds of
    its process tree or None). The peak is measured only when ``watch`` (0 otherwise): the
    watcher reads every process's memory every 20 ms, CPU that a command using every core
    loses (pmqa about 3 % on two cores) and a single-process one does not, so timed runs are
    not watched."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not watch:
        process.wait()
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    cpu_after = _children_cpu()
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return seconds, peak / 1024 / 1024, process.returncode, cpu


def results_cells(path: Path) -> int:
    """How many cells pmqa's results.xlsx holds (counted from its sheet XML)."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                total += archive.read(name).count(b"<c ")
    return total


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("pmqa", "openpyxl", "pandas", "python-calamine", "xlsxwriter", "defusedxml"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.0f} GB",
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=245, help="number of submissions")
    parser.add_argument("--runs", type=int, default=3, help="rounds of the interleaved commands")
    parser.add_argument("--seed", type=int, default=2567, help="seed for pmqa sample")
    names = ["pmqa", "pmqa-all", "pmqa-j1", "pmqa-before", "pmqa-all-before", "baseline", "floor"]
    parser.add_argument("--only", choices=names, action="append", help="run only these")
    parser.add_argument(
        "--before", type=Path, help="another pmqa source folder, timed as pmqa-before"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    folder = submissions(args.count, args.seed)
    files = len(list(folder.glob("*.xlsx")))
    chosen = args.only or ["pmqa", "pmqa-all", "baseline", "floor"]
    if args.before is not None and "pmqa-before" not in chosen:
        chosen.insert(1, "pmqa-before")
    if args.before is not None and "pmqa-all" in chosen and "pmqa-all-before" not in chosen:
        chosen.insert(chosen.index("pmqa-all") + 1, "pmqa-all-before")
    if args.before is None and ("pmqa-before" in chosen or "pmqa-all-before" in chosen):
        parser.error("pmqa-before and pmqa-all-before need --before SRC")
    work = Path(tempfile.mkdtemp(prefix="pmqa-bench-"))
    cores = os.cpu_count() or 1
    results_path = work / "results.xlsx"
    times: dict[str, list[float]] = {name: [] for name in chosen}
    peaks: dict[str, list[float]] = {name: [] for name in chosen}
    cpus: dict[str, list[float]] = {name: [] for name in chosen}
    cells = 0
    # pmqa runs once first (untimed) so the floor knows how many cells to write.
    run(["pmqa", "batch", str(folder), "-o", str(results_path)])
    cells = results_cells(results_path)
    before = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(args.before)!r}); "
              "from pmqa_cli.cli.app import main; sys.argv[0] = 'pmqa'; main()"]  # fmt: skip
    every_output = [
        *("--feedback", str(work / "feedback"), "--csv", str(work / "csv")),
        *("--json", str(work / "results.json")),
    ]
    commands = {
        "pmqa": ["pmqa", "batch", str(folder), "-o", str(results_path)],
        "pmqa-all": ["pmqa", "batch", str(folder), "-o", str(results_path), *every_output],
        "pmqa-j1": ["pmqa", "batch", str(folder), "-o", str(results_path), "--jobs", "1"],
        "pmqa-before": [*before, "batch", str(folder), "-o", str(results_path)],
        "pmqa-all-before": [*before, "batch", str(folder), "-o", str(results_path), *every_output],
        "baseline": [sys.executable, "-c", BASELINE, str(folder)],
        "floor": [sys.executable, "-c", FLOOR, str(folder), str(cells), str(work / "floor.xlsx")],
    }
    for round_ in range(args.runs):
        for name in chosen:
            seconds, _, code, cpu = run(commands[name])
            if not name.startswith("pmqa") and code != 0:
                raise SystemExit(f"{name} failed with exit code {code}")
            times[name].append(seconds)
            busy = ""
            if cpu is not None:
                cpus[name].append(cpu)
                busy = f"  cpu {cpu:6.2f} s  busy {100 * cpu / seconds / cores:3.0f} %"
            print(f"round {round_ + 1}: {name:15s} {seconds:7.2f} s{busy}", flush=True)
    for name in chosen:  # one more run of each, watched, for its peak memory (not timed)
        peaks[name].append(run(commands[name], watch=True)[1])
        print(f"memory:  {name:15s} {peaks[name][-1]:7.1f} MB", flush=True)
    shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpus.items() if values}
    # Busy: each run's CPU over its own wall time x cores, the median of the runs.
    busy = {
        name: statistics.median(c / s / cores for c, s in zip(cpus[name], times[name], strict=True))
        for name in cpu_medians
    }
    report = {
        "count": files,
        "runs": args.runs,
        "results_cells": cells,
        "median_seconds": medians,
        "per_file_ms": {name: 1000 * s / files for name, s in medians.items()},
        "peak_mb": {name: max(values) for name, values in peaks.items()},
        "cpu_seconds": cpu_medians,
        "busy": busy,
        "machine": machine(),
    }
    if "pmqa" in medians and "baseline" in medians:
        report["pmqa_over_baseline"] = medians["pmqa"] / medians["baseline"]
    if "pmqa" in medians and "floor" in medians:
        report["pmqa_over_floor"] = medians["pmqa"] / medians["floor"]
    if "pmqa" in medians and "pmqa-all" in medians:
        report["all_outputs_over_pmqa"] = medians["pmqa-all"] / medians["pmqa"]
    if "pmqa" in medians and "pmqa-before" in medians:
        report["pmqa_over_before"] = medians["pmqa"] / medians["pmqa-before"]
    if "pmqa-all" in medians and "pmqa-all-before" in medians:
        report["all_over_all_before"] = medians["pmqa-all"] / medians["pmqa-all-before"]
    if "pmqa-before" in medians and "pmqa-all-before" in medians:
        report["before_all_outputs_over_pmqa"] = medians["pmqa-all-before"] / medians["pmqa-before"]
    if "pmqa" in medians and "pmqa-j1" in medians:
        report["j1_over_pmqa"] = medians["pmqa-j1"] / medians["pmqa"]
    print()
    print(f"{files} submissions, {args.runs} run(s), results.xlsx holds {cells:,} cells")
    print(
        f"| command | median s | min-max s | per file ms | peak MB | CPU s | busy ({cores} cores) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in chosen:
        cpu_text = f"{cpu_medians[name]:.2f}" if name in cpu_medians else "-"
        busy_text = f"{100 * busy[name]:.0f} %" if name in busy else "-"
        print(
            f"| {name} | {medians[name]:.2f} | {min(times[name]):.2f}-{max(times[name]):.2f} | "
            f"{report['per_file_ms'][name]:.1f} | {report['peak_mb'][name]:.0f} | {cpu_text} | "
            f"{busy_text} |"
        )
    for key in ("pmqa_over_baseline", "pmqa_over_floor", "all_outputs_over_pmqa",
                "pmqa_over_before", "all_over_all_before", "before_all_outputs_over_pmqa",
                "j1_over_pmqa"):  # fmt: skip
        if key in report:
            print(f"{key}: {report[key]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
