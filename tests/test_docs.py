"""The documentation describes what exists: every command has help and a README row, and the
worked example in docs/rubric-format.md scores as the text says."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.cli.app import app
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.model import OfficeType

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def all_commands() -> list[tuple[str, Any]]:
    # typer vendors click; walk its command objects by shape rather than importing click.
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


COMMANDS = all_commands()


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_every_option_too(name: str, command: Any) -> None:
    assert command.help, f"pmqa {name} has no help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"pmqa {name} {param.opts[0]} has no help"
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`pmqa {name}" in readme, f"README.md does not document pmqa {name}"


def test_rubric_format_worked_example_scores_as_documented() -> None:
    text = (ROOT / "docs" / "rubric-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    rubric, problems = check_rubric(yaml.safe_load(block.group(1)))
    assert rubric is not None, problems
    assert {p.severity for p in problems} == {"warning"}
    answers = Answers(
        OfficeType.PRIMARY,
        {"PM1-B1": True, "PM1-B2": True, "PM1-B3": False, "PM1-A1": True},
        {"KPI-1": IndicatorAnswer(Decimal("0.7"))},
    )
    result = score_answers(rubric, answers)
    assert result.issues[0].score == pytest.approx(200)
    assert result.indicators[0].score == pytest.approx(250)
    data = result.to_dict()
    assert data["overall"]["score"] == 222.5
    assert data["overall"]["band_th"] == "ต้องปรับปรุง"
    assert data["overall"]["status_en"] == "Below Basic"
    assert "222.5" in text


def test_every_finding_code_is_documented_with_its_severity() -> None:
    from pmqa_cli.core.findings import CATALOGUE

    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for code, entry in CATALOGUE.items():
        heading = f"### `{code}`"
        assert heading in text, f"docs/findings.md does not document {code}"
        section = text.split(heading, 1)[1].split("### ", 1)[0]
        assert f"**{entry.severity.value}**" in section, code


def test_readme_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    exec(compile(block.group(1), "README.md", "exec"), {})


def test_the_quick_starts_outputs_leave_the_checkout_clean() -> None:
    # The quick start runs in the checkout: every file and folder it writes, and the ones its
    # next steps write (`pmqa score ... -o feedback.xlsx`), is ignored by git.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    written = re.findall(r"(?:-o|--out|--json|--csv|--feedback|--maps)\s+([\w./-]+)", start)
    assert {"submissions", "results.xlsx", "results.json", "feedback.xlsx"} <= set(written)
    ignored = {
        line.strip().strip("/")
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("/")
    }
    assert [p for p in written if p.split("/")[0] not in ignored] == []
