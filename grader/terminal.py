"""What text on a terminal needs: whether to colour it, and columns that line up with Japanese in them."""

from __future__ import annotations

import os
import sys
import unicodedata


def use_color() -> bool:
    """Colour for a person at a terminal, unless NO_COLOR says otherwise; never in a pipe or a file."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def width(text: str) -> int:
    """The columns TEXT takes on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """TEXT filled with spaces to COLUMNS columns, on the left when RIGHT (numbers), else on the right."""
    fill = " " * (columns - width(text))
    return fill + text if right else text + fill
