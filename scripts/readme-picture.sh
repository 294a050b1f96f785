#!/usr/bin/env bash
# Regenerate docs/images/results-summary.png, the README's picture of results.xlsx as an analyst
# sees it: 40 sample submissions scored by pmqa batch, printed to PDF by LibreOffice, and the
# first page (the executive summary, สรุปสำหรับผู้บริหาร, the whole A4 page) turned into a PNG
# by pdftoppm.
# Needs: pmqa installed, soffice (LibreOffice) and pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1727654400  # 30 Sep 2024: the picture does not change from run to run
pmqa sample --count 40 --out "$work/submissions" >/dev/null
pmqa batch "$work/submissions" --registry pmqa_cli/data/offices-sample.csv \
  -o "$work/results.xlsx" >/dev/null || true  # exits 1: the samples carry planted mistakes
soffice --headless --norestore "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work" "$work/results.xlsx" >/dev/null
pdftoppm -png -r 80 -f 1 -l 1 -singlefile \
  "$work/results.pdf" docs/images/results-summary
echo "Wrote docs/images/results-summary.png"
