"""The README's two commands are the ones that work: CI runs the test command exactly as written."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(), re.S)[:2]


def test_the_readme_starts_with_the_grading_and_the_test_command():
    grading, testing = readme_commands()
    assert grading.startswith("python3 -m venv .venv") and grading.endswith("grade check")
    assert testing.startswith("python3 -m venv .venv") and "pytest" in testing


def test_ci_runs_the_readme_test_command_verbatim():
    _, testing = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert testing in ci_lines
