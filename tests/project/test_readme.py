"""The README's two commands are the ones that work: CI runs the test command exactly as written."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT

SYSTEMS = ["ubuntu-latest", "macos-latest", "windows-latest"]


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


def test_github_runs_the_readme_test_command_on_three_systems_and_two_pythons():
    """On Windows in its Windows form: python (no python3 there), .venv\\Scripts instead of .venv/bin."""
    _, testing = readme_commands()
    job = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]["test"]
    assert job["strategy"]["matrix"] == {"os": SYSTEMS, "python": ["3.10", "3.13"]}
    runs = {step.get("name"): step.get("run", "").strip() for step in job["steps"]}
    assert runs["README test command"] == testing
    windows = testing.replace("python3 -m venv", "python -m venv").replace(".venv/bin/", ".venv\\Scripts\\")
    assert runs["README test command (Windows)"] == windows
