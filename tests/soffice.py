"""LibreOffice and pdftotext for the real-client tests: convert, print and read back.

Test modules that need LibreOffice skip without ``soffice`` and ``pdftotext``, unless
PMQA_REQUIRE_LIBREOFFICE is set (.ci/run sets it): then importing this module fails, so a
missing LibreOffice fails the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

if os.environ.get("PMQA_REQUIRE_LIBREOFFICE") and not (SOFFICE and PDFTOTEXT):
    raise RuntimeError("PMQA_REQUIRE_LIBREOFFICE is set but soffice or pdftotext is missing")


#: LibreOffice 7.4 stops converting after 246 documents in one headless call, silently and with
#: exit code 0 (measured: three times, 246 of 495 and 246 of 250); lists go in chunks, and what
#: a call leaves out is converted once more before the test fails.
CONVERT_CHUNK = 60


def convert(
    files: list[Path],
    target: str,
    outdir: Path,
    profile: Path,
    timeout: int = 300,
    workers: int = 1,
) -> list[Path]:
    """Convert files with LibreOffice headless, CONVERT_CHUNK files per call (files a call
    left out get one more call); fail loudly, naming what is still missing.

    ``timeout`` is per call. With ``workers`` > 1 the files are split between that many
    LibreOffice processes at once, each with its own copy of ``profile`` (a profile is locked
    by the process that uses it)."""
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":")[0]

    def call(chunk: list[Path], own_profile: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SOFFICE, "--headless", "--norestore",
             f"-env:UserInstallation={own_profile.as_uri()}",
             "--convert-to", target, "--outdir", str(outdir), *map(str, chunk)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def missing(chunk: list[Path]) -> list[Path]:
        outputs = ((f, outdir / f"{f.stem}.{extension}") for f in chunk)
        return [f for f, o in outputs if not o.exists() or o.stat().st_size == 0]

    def run(group: list[Path], own_profile: Path) -> None:
        for start in range(0, len(group), CONVERT_CHUNK):
            chunk = group[start : start + CONVERT_CHUNK]
            result = call(chunk, own_profile)
            if missing(chunk):  # once more for what a call left out
                result = call(missing(chunk), own_profile)
            left = [f.name for f in missing(chunk)]
            assert result.returncode == 0 and not left, (
                f"LibreOffice failed ({result.returncode}), missing after a retry {left[:10]} "
                f"({len(left)} of {len(chunk)}):\n{result.stdout[-2000:]}\n"
                f"{result.stderr[-2000:]}"
            )

    workers = max(1, min(workers, len(files)))
    if workers == 1:
        run(files, profile)
    else:
        profiles = [profile]
        for n in range(1, workers):
            copy = profile.with_name(f"{profile.name}-{n}")
            shutil.copytree(profile, copy, dirs_exist_ok=True)
            profiles.append(copy)
        groups = [files[n::workers] for n in range(workers)]
        with ThreadPoolExecutor(workers) as pool:
            for done in [pool.submit(run, g, p) for g, p in zip(groups, profiles, strict=True)]:
                done.result()
    return [outdir / f"{f.stem}.{extension}" for f in files]


_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\\s]")


def comparable(text: str) -> str:
    """Text without Thai vowel and tone marks or spaces: pdftotext places combining marks out
    of order and breaks lines inside cells, so compare on what is left."""
    return _THAI_MARKS.sub("", text)


def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, check=True)
    return comparable(out.stdout.decode("utf-8"))


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">')


def words_off_page(pdf: Path) -> list[tuple[int, str]]:
    """Every word that prints beyond its page's edges, as (page, word): cut off on paper,
    though pdftotext still reads it (so :func:`pdf_text` cannot tell)."""
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, check=True)
    page, width, height, off = 0, 0.0, 0.0, []
    for line in out.stdout.decode("utf-8").splitlines():
        if found := _PAGE.search(line):
            page, (width, height) = page + 1, map(float, found.groups())
        elif found := _WORD.search(line):
            x0, y0, x1, y1 = map(float, found.groups())
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
                off.append((page, line[found.end() :].removesuffix("</word>").strip()))
    return off
