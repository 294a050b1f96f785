"""pmqa: score the annual management-quality assessment of OBEC's Educational Service Area Offices.

The package is a plain library (rubric loading, workbook reading, validation, scoring and result
writing); the command-line interface in :mod:`pmqa_cli.cli.app` is a thin layer on top of it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

# PMQA_SIMULATE_WINDOWS=1: this process (and every worker, which imports pmqa too) does without
# what Windows lacks, so the tests prove the fallbacks (pmqa_cli/core/portable.py).
from pmqa_cli.core import portable as _portable

if _portable.simulating_windows():
    _portable.simulate_windows()
