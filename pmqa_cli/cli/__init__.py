"""The command layer: typer commands and rich rendering. Nothing below this package imports it."""

from pmqa_cli.cli.app import main

__all__ = ["main"]
