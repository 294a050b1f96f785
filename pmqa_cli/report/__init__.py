"""Outputs rendered from scored offices: the results workbook, feedback workbooks, atomic files."""
