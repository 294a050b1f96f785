"""Everything pmqa writes: the results workbook, JSON and CSV, feedback workbooks, the template
and its provisional score sheet, samples, the committee's review workbook, comparisons, PDFs,
and the guard that keeps outputs off inputs."""
