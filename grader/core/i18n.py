"""Translations: one language per run (English, German, Japanese), read from gettext catalogs.

The English text in the code is the message id; `<lang>/LC_MESSAGES/<domain>.po` holds its translation. Three
domains: `grader` (what the grader says, in `grader/core/locale/`), and in the directory course.yaml names as
`locale`, `course` (titles, hints and task statements) and `suites` (what the course's suites and modules say,
their tests' descriptions included). Catalogs are read with polib straight from the .po files, so no compiled
.mo file has to be built or committed; English, the default, reads nothing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "de", "ja")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGE_VARIABLE = "GRADE_LANG"

_current = DEFAULT
_course_locale: Path | None = None


def from_environment() -> str:
    """The language asked for by $GRADE_LANG, else the locale ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG)."""
    for variable in (LANGUAGE_VARIABLE, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in os.environ.get(variable, "").split(":"):
            code = value.split(".")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                return DEFAULT  # a locale we have no catalog for: English, not the next variable's language
    return DEFAULT


def use(lang: str | None) -> str:
    """Speak LANG from now on (None: the environment's choice); returns the language in use."""
    global _current
    _current = lang if lang in LANGUAGES else from_environment()
    return _current


def current() -> str:
    return _current


def use_course_locale(directory: Path | None) -> None:
    """Read the `course` and `suites` domains from DIRECTORY (the course's `locale`) from now on; None: the
    course has none."""
    global _course_locale
    _course_locale = directory


def _(message: str) -> str:
    """MESSAGE (English) in the current language, from the `grader` domain."""
    return translate("grader", message)


def ngettext(singular: str, plural: str, n: int, domain: str = "grader") -> str:
    """The singular or plural form for N, in the current language, from DOMAIN."""
    english = singular if n == 1 else plural
    if _current == DEFAULT:
        return english
    forms = _catalog(_current, domain, _directory(domain)).get((singular, plural))
    if not forms:
        return english
    return forms[min(_plural_index(_current, n), len(forms) - 1)]


def course_text(message: str, lang: str | None = None) -> str:
    """A text of the course (a title, a hint, a task statement) in LANG or the current language."""
    return translate("course", message, lang)


def suite_text(message: str) -> str:
    """What a suite or a module of the course says (MESSAGE), in the current language: the `suites` domain."""
    return translate("suites", message)


def suite_plural(singular: str, plural: str, n: int) -> str:
    """ngettext for the suites and the course's modules: the `suites` domain."""
    return ngettext(singular, plural, n, "suites")


def translate(domain: str, message: str, lang: str | None = None) -> str:
    """MESSAGE from DOMAIN's catalog for LANG (default: the current language); English when untranslated."""
    lang = lang or _current
    if lang == DEFAULT or not message:
        return message
    return _catalog(lang, domain, _directory(domain)).get(message) or message


def message_ids() -> list[str]:
    """Every English text the grader and the course can say (tests/project/test_i18n.py keeps the catalogs
    complete, so the German ones list them all)."""
    ids: list[str] = []
    for domain in ("grader", "course", "suites"):
        for key in _catalog("de", domain, _directory(domain)):
            ids += key if isinstance(key, tuple) else [key]
    return ids


def _plural_index(lang: str, n: int) -> int:
    return 0 if lang == "ja" else int(n != 1)


def _directory(domain: str) -> Path | None:
    return LOCALE_DIR if domain == "grader" else _course_locale


@cache
def _catalog(lang: str, domain: str, directory: Path | None) -> dict:
    """msgid -> msgstr (and (msgid, msgid_plural) -> [forms]) of one catalog; fuzzy entries are left out."""
    path = directory / lang / "LC_MESSAGES" / f"{domain}.po" if directory is not None else None
    if path is None or not path.is_file():
        return {}
    import polib

    catalog: dict = {}
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            catalog[(entry.msgid, entry.msgid_plural)] = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        else:
            catalog[entry.msgid] = entry.msgstr
    return catalog
