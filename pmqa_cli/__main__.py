"""Allow ``python -m pmqa_cli``."""

from pmqa_cli.cli import main

main()
