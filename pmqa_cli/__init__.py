"""pmqa: score the annual management-quality assessment of OBEC's Educational Service Area Offices.

The package is a plain library whose folders read as the pipeline: core -> rubric -> io ->
assess -> verify -> compare -> report, with the command-line interface (:mod:`pmqa_cli.cli`) a
thin layer on top (docs/architecture.md).
"""

__version__ = "0.1.0"

#: The package's layers, lowest first: each folder imports only from those before it
#: (docs/architecture.md; tests/test_architecture.py holds the code to it).
LAYERS = ("core", "rubric", "io", "assess", "verify", "compare", "report", "cli")

__all__ = ["LAYERS", "__version__"]

# PMQA_SIMULATE_WINDOWS=1: this process (and every worker, which imports pmqa too) does without
# what Windows lacks, so the tests prove the fallbacks (pmqa_cli/core/portable.py).
from pmqa_cli.core import portable as _portable  # noqa: E402 - after __version__ and LAYERS

if _portable.simulating_windows():
    _portable.simulate_windows()
