"""The docs match the code: every command teaches by example, every code is documented."""

from __future__ import annotations

import re

import pytest

from briefgen.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CODES = sorted({code for path in sorted((ROOT / "briefgen").rglob("*.py"))
                for code in re.findall(r'"(BG\d{3})"', path.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    help_text = cli.commands[name].help or ""
    assert help_text.strip(), f"{name} has no help"
    assert "Example" in help_text, f"`briefgen {name} --help` shows no example"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"briefgen {name}" in README


@pytest.mark.parametrize("code", CODES)
def test_every_diagnostic_code_is_documented(code: str) -> None:
    assert code in README, f"{code} is raised by briefgen but not listed in README.md"


def test_the_code_list_is_not_empty() -> None:
    assert len(CODES) > 50
