"""Time pmqa's start-up: `pmqa --help` and `pmqa score one.xlsx`, each in a new process.

    python benchmarks/bench_startup.py --runs 10

Targets: --help under 0.3 s, scoring one workbook under 0.8 s. Heavy modules (pandas, openpyxl)
are imported only by the commands that need them; this measures that it stays so.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pmqa", "sample", "-n", "1", "--out", folder], check=True, stdout=subprocess.DEVNULL
        )
        one = next(Path(folder).glob("*.xlsx"))
        commands = {
            "pmqa --help": ["pmqa", "--help"],
            "pmqa score one.xlsx": ["pmqa", "score", str(one)],
            "pmqa score one.xlsx --json": ["pmqa", "score", str(one), "--json"],
        }
        timed(commands["pmqa --help"])  # let the OS cache the files once
        results = {name: [timed(c) for _ in range(args.runs)] for name, c in commands.items()}
    print("| command | median s | min s | max s |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in results.items():
        median, low, high = statistics.median(values), min(values), max(values)
        print(f"| `{name}` | {median:.3f} | {low:.3f} | {high:.3f} |")


if __name__ == "__main__":
    main()
