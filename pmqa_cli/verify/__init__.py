"""Verification: the committee's verdicts, central data and audited corrections that turn what
an office claimed into OBEC's official, verified result (docs/verification.md).

* :mod:`.inputs` turns review, data and correction files into checked entries and findings
  (:mod:`.columns` names their columns; :mod:`.entries` holds what is read).
* :mod:`.apply` lays those entries over an office's own answers, in order of precedence.

The committee's workbook is written by :mod:`pmqa_cli.report.review_sheet`.
"""
