"""Text templates for what `grade release` and `grade gradescope` write; @@NAME@@ marks a value to fill in
(a marker that clashes neither with shell `$VAR` nor with GitHub's `${{ expr }}`)."""

from __future__ import annotations

from pathlib import Path


def render(name: str, **values: str) -> str:
    """The template NAME with every @@KEY@@ replaced by VALUES[KEY]."""
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text
