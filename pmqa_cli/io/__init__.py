"""Files in: the safe xlsx reader, the one table reader for every CSV/XLSX input, the one value
parser, the submission workbook's layout, the registry of offices and pmqa's file mark."""
