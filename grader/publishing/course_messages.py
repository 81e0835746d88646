"""The message ids of the course's own gettext domains, and which a catalog lacks.

`course`: the course title and the exercise titles and hints of course.yaml, every paragraph of the solutions'
task docstrings as the notebooks show them (a paragraph is the unit a translator keeps in step with the
English; doctest examples are code and stay as they are), and the notebooks' fixed phrases. `suites`: what the
public and hidden suites and the course's own modules (probes, helpers, pictures) say with `_()` and
`ngettext()`, and each test's description, the first line of its docstring (found by babel, which
`pip install babel` adds). `python -m grader.publishing.course_messages` brings the de and ja catalogs of the
course's `locale` directory in line: new ids are added untranslated, ids the course no longer has become
obsolete, and it lists what is still untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import LANGUAGES, _
from grader.model.course import Course, load_course
from grader.publishing.notebooks import PHRASES, split_module, task_blocks

Message = str | tuple[str, str]  # an id, or a plural's (singular, plural)
PLURAL_FORMS = {"de": 2, "ja": 1}  # how many forms a plural message has in each language


def message_ids(course: Course) -> list[str]:
    """Every text of COURSE (loaded in English) that a reader sees, once each, in the order a student meets it."""
    ids = [course.title]
    for exercise in course.exercises:
        ids += [exercise.title, *exercise.hints]
        docstring, _, definitions = split_module(course.solutions_dir / f"{exercise.module}.py")
        for text in (docstring, *(d.docstring for d in definitions)):
            ids += [block for block, example in task_blocks(text) if not example]
    ids += PHRASES
    return list(dict.fromkeys(ids))


def suite_message_ids(course: Course) -> list[Message]:
    """What COURSE's suites and own modules say, once each, file by file in course order."""
    try:
        from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    except ImportError:
        raise GradingError(_("finding the suites' messages needs babel: pip install babel")) from None
    suites = [s for e in course.exercises for s in (e.public, e.hidden) if s is not None]
    modules = [m for m in (course.probes, *course.helpers, course.pictures) if m is not None]
    files = [("grader.core.babel_extract:extract_suite", s) for s in suites] + [("python", m) for m in modules]
    ids: list[Message] = []
    for method, path in files:
        found = extract_from_file(method, str(path), keywords=DEFAULT_KEYWORDS)
        ids += [message[:2] if isinstance(message, tuple) else message for _line, message, *_rest in found]
    return list(dict.fromkeys(ids))


DOMAINS = {"course": message_ids, "suites": suite_message_ids}


def catalog_path(course: Course, lang: str, domain: str = "course") -> Path:
    """LANG's catalog of COURSE's DOMAIN, in the directory course.yaml names as `locale`."""
    if course.locale is None:
        raise GradingError(_("course.yaml names no locale directory for the course's catalogs (add `locale: locale`)"))
    return course.locale / lang / "LC_MESSAGES" / f"{domain}.po"


def untranslated(path: Path, ids: list[Message]) -> list[Message]:
    """The ids of IDS that the catalog PATH does not translate (missing, empty or fuzzy)."""
    import polib

    entries = polib.pofile(str(path)).translated_entries() if path.is_file() else []
    done = {(e.msgid, e.msgid_plural) if e.msgid_plural else e.msgid for e in entries}
    return [message for message in ids if message not in done]


def update_catalog(path: Path, ids: list[Message], forms: int = 2) -> None:
    """Add the ids the catalog PATH lacks (untranslated; a plural with FORMS forms) and mark those the course no
    longer has obsolete."""
    import polib

    template = polib.POFile()
    for message in ids:
        if isinstance(message, tuple):
            empty = dict.fromkeys(range(forms), "")
            template.append(polib.POEntry(msgid=message[0], msgid_plural=message[1], msgstr_plural=empty))
        else:
            template.append(polib.POEntry(msgid=message))
    catalog = polib.pofile(str(path)) if path.is_file() else polib.POFile()
    catalog.metadata = catalog.metadata or {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.merge(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.wrapwidth = 120
    catalog.save(str(path))


def main(root: Path) -> int:
    """Update every catalog from the course at ROOT and print what is untranslated; 1 if anything is."""
    course = load_course(root, "en")
    missing = 0
    for domain, find in DOMAINS.items():
        ids = find(course)
        for lang in LANGUAGES[1:]:
            path = catalog_path(course, lang, domain)
            update_catalog(path, ids, PLURAL_FORMS[lang])
            for message in untranslated(path, ids):
                print(f"{path}: untranslated: {str(message)[:70]!r}")
                missing += 1
        print(f"{len(ids)} {domain} messages")
    print(f"{missing} untranslated")
    return int(missing > 0)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
