"""The message ids of the `course` gettext domain: the course's English texts, and which a catalog lacks.

They are the course title and the exercise titles and hints of course.yaml, every paragraph of the
solutions' task docstrings as the notebooks show them (a paragraph is the unit a translator keeps in step
with the English; doctest examples are code and stay as they are), and the notebooks' fixed phrases.
`python -m grader.publishing.course_messages` brings the de and ja catalogs of the course's `locale` directory in
line: new ids are added untranslated, ids the course no longer has become obsolete, and it lists what is still
untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.core.errors import GradingError
from grader.core.i18n import LANGUAGES, _
from grader.model.course import Course, load_course
from grader.publishing.notebooks import PHRASES, split_module, task_blocks

DOMAIN = "course"


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


def catalog_path(course: Course, lang: str) -> Path:
    """LANG's catalog of COURSE's texts, in the directory course.yaml names as `locale`."""
    if course.locale is None:
        raise GradingError(_("course.yaml names no locale directory for the course's catalogs (add `locale: locale`)"))
    return course.locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def untranslated(path: Path, ids: list[str]) -> list[str]:
    """The ids of IDS that the catalog PATH does not translate (missing, empty or fuzzy)."""
    import polib

    done = {e.msgid for e in polib.pofile(str(path)).translated_entries()} if path.is_file() else set()
    return [message for message in ids if message not in done]


def update_catalog(path: Path, ids: list[str]) -> None:
    """Add the ids the catalog PATH lacks (untranslated) and mark those the course no longer has obsolete."""
    import polib

    template = polib.POFile()
    template.extend(polib.POEntry(msgid=message) for message in ids)
    catalog = polib.pofile(str(path)) if path.is_file() else polib.POFile()
    catalog.metadata = catalog.metadata or {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.merge(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.wrapwidth = 120
    catalog.save(str(path))


def main(root: Path) -> int:
    """Update every catalog from the course at ROOT and print what is untranslated; 1 if anything is."""
    course = load_course(root, "en")
    ids = message_ids(course)
    missing = 0
    for lang in LANGUAGES[1:]:
        update_catalog(catalog_path(course, lang), ids)
        for message in untranslated(catalog_path(course, lang), ids):
            print(f"{catalog_path(course, lang)}: untranslated: {message[:70]!r}")
            missing += 1
    print(f"{len(ids)} course messages, {missing} untranslated")
    return int(missing > 0)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
