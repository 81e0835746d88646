"""What text on a terminal needs: colour or not, columns that line up with Japanese in them, markers and a
language the output's encoding can show, and paths as the student would type them."""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata
from pathlib import Path

from grader.core import i18n
from grader.core.i18n import _

# status -> (symbol, ASCII stand-in where the output's encoding lacks the symbols: a Windows pipe's cp1252)
MARKS = {
    "passed": ("✔", "[ok]"),
    "failed": ("✘", "[x]"),
    "error": ("✘", "[x]"),
    "timeout": ("⏱", "[time]"),
    "todo": ("·", "[ ]"),
}
_SAMPLES = {"de": "ÄÖÜäöüß", "ja": "日本語の採点"}  # what a language's messages need the encoding to have
_FALLBACK = "grade-ascii"


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


def shows(text: str) -> bool:
    """True when standard output's encoding can write TEXT."""
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def mark(status: str) -> str:
    """The marker of STATUS (a test's status, or todo): its symbol where standard output can show every
    symbol, else its ASCII stand-in filled to four columns, so that the columns after it still line up."""
    if shows("".join(symbol for symbol, _stand_in in MARKS.values())):
        return MARKS[status][0]
    return f"{MARKS[status][1]:<4}"


def _replace(error: UnicodeEncodeError) -> tuple[str, int]:
    """Codec error handler: a symbol the encoding lacks becomes its ASCII stand-in, anything else '?'."""
    stand_ins = dict(MARKS.values())
    return "".join(stand_ins.get(c, "?") for c in error.object[error.start : error.end]), error.end


codecs.register_error(_FALLBACK, _replace)


def never_fail_to_encode() -> None:
    """Make standard output and error write any text: what their encoding lacks is replaced, never an error
    (student output, a course title with a ², …)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=_FALLBACK)


def speak(lang: str) -> str:
    """Speak LANG where standard output can show its script; else English, after one line on standard error
    that says how to get UTF-8. Returns the language in use."""
    import click

    if shows(_SAMPLES.get(lang, "")):
        return i18n.use(lang)
    i18n.use(i18n.DEFAULT)
    encoding = getattr(sys.stdout, "encoding", None)
    advice = _(
        "grade: this output's encoding ({encoding}) cannot show the language {lang}, so grade speaks English; "
        "for UTF-8, set `PYTHONUTF8=1` (or run `chcp 65001` in a Windows console)."
    )
    click.echo(advice.format(encoding=encoding, lang=lang), err=True)
    return i18n.DEFAULT


def shown(path: Path | str) -> str:
    """PATH as the student would type it: relative to the working directory when it lies below it, else as
    given; with this system's separators."""
    given = Path(path)
    try:
        return str(given.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(given)
