"""Verification: the committee's verdicts, central data and audited corrections that turn what
an office claimed into OBEC's official, verified result (docs/verification.md).

* :mod:`.tables` reads a CSV or XLSX table with the sheet, row and cell of every value.
* :mod:`.inputs` turns review, data and correction files into checked entries and findings.
* :mod:`.apply` lays those entries over an office's own answers, in order of precedence.
* :mod:`.review_sheet` writes the workbook the committee fills in.
"""
