"""pmqa: score the annual management-quality assessment of OBEC's Educational Service Area Offices.

The package is a plain library (rubric loading, workbook reading, validation, scoring and result
writing); the command-line interface in :mod:`pmqa_cli.cli.app` is a thin layer on top of it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
