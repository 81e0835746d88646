"""The batch journal, DIR/results.jsonl: one JSON line per graded submission, appended and flushed to disk as
each result comes in, so that nothing graded is lost and a batch run again resumes where it stopped.

A line is keyed by the submission's content hash, the course's hash, the seed and the language of the feedback:
the same files graded by the same course with the same seed give the same grade and words, so a line is reused
(for another student too) and never graded again. A line cut short by a kill is dropped on the next run, and its
submission graded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path

import grader
from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading.batch import Entry, Outcome
from grader.model.course import COURSE_FILE, Course

JOURNAL = "results.jsonl"
_SKIPPED = frozenset({"__pycache__", ".git"})  # what staging leaves out (grading.sandbox): no grade depends on it


def course_files(course: Course) -> list[Path]:
    """What grading depends on in the course: course.yaml, the suites, the solutions and the course's own files
    (its probes, helpers and catalogs decide the grades and their words), in a stable order."""
    suites = [s for e in course.exercises for s in (e.public, e.hidden) if s is not None and s.is_file()]
    solutions = list(submission_files(course.solutions_dir)) if course.has_solutions else []
    return sorted({course.root / COURSE_FILE, *suites, *solutions, *course.own_files()})


def course_digest(course: Course) -> str:
    """The course's hash: its files' paths (relative to the course) and contents, and the grader's own files, which
    decide the grades as much (a journal of an older grader is not resumed, nor merged with a newer one's)."""
    package = Path(grader.__file__).parent
    own = [(f"grader/{p.relative_to(package).as_posix()}", p) for p in submission_files(package)]
    return _digest([*((p.relative_to(course.root).as_posix(), p) for p in course_files(course)), *own])


def content_digest(path: Path) -> str:
    """A submission's hash: its files' paths and contents (a single notebook: its name and contents)."""
    if path.is_file():
        return _digest([(path.name, path)])
    return _digest((p.relative_to(path).as_posix(), p) for p in submission_files(path))


def submission_files(root: Path) -> Iterator[Path]:
    """The files under ROOT that grading sees, links to files included, in a stable order."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _SKIPPED.intersection(path.relative_to(root).parts):
            yield path


def _digest(files: Iterable[tuple[str, Path]]) -> str:
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(f"{name}\0".encode())
        if path.is_symlink():  # a link may lead out: its target's name counts, not what it points to
            digest.update(b"link\0" + os.readlink(path).encode())
            continue
        with path.open("rb") as data:
            digest.update(b"file\0")
            while chunk := data.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


class Journal:
    """DIR/results.jsonl of one course, seed and language: what it holds, and appending to it."""

    def __init__(self, path: Path, course: str, seed: int, lang: str) -> None:
        self.path, self.course, self.seed, self.lang = path, course, seed, lang
        self.lines: dict[tuple[str, str], dict] = {}  # (student, content hash) -> line
        self.contents: dict[str, dict] = {}  # content hash -> a line that graded it
        for line in read_lines(path):
            if line["course"] == course and line["seed"] == seed and language(line) == lang:
                self._know(line)

    def _know(self, line: dict) -> None:
        self.lines[line["name"], line["submission"]] = line
        self.contents.setdefault(line["submission"], line)

    def find(self, name: str, content: str) -> Outcome | None:
        """The journaled outcome of NAME's submission with hash CONTENT, or None when it was never graded."""
        line = self.lines.get((name, content))
        return None if line is None else outcome_of(line)

    def reuse(self, name: str, content: str) -> Outcome | None:
        """The outcome of the same files graded for another student, journaled for NAME now; None if there is none."""
        line = self.contents.get(content)
        if line is None:
            return None
        outcome = replace(outcome_of(line), name=name)
        self.append(outcome, content)
        return outcome

    def append(self, outcome: Outcome, content: str) -> None:
        """Add OUTCOME as one line and flush it to disk before returning."""
        line = {"name": outcome.name, "submission": content, "course": self.course, "seed": self.seed}
        line["lang"] = self.lang
        line |= {k: v for k, v in asdict(outcome).items() if k not in ("name", "final")}
        _drop_partial_tail(self.path)
        with self.path.open("a", encoding="utf-8") as journal:
            journal.write(json.dumps(line, sort_keys=True) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._know(line)


def language(line: dict) -> str:
    """The language of a line's feedback (a journal written before lines said it was English)."""
    return str(line.get("lang", i18n.DEFAULT))


def read_lines(path: Path) -> list[dict]:
    """The complete lines of the journal at PATH (none if it does not exist); a last line cut short by a kill is
    left out, any other line that is not a journal line is a GradingError naming it."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = []
    for number, raw in enumerate(text.split("\n")[:-1], 1):  # the last is empty, or a line a kill cut short
        try:
            line = json.loads(raw)
            if not isinstance(line, dict) or not {"name", "submission", "course", "seed", "status"} <= line.keys():
                raise ValueError
        except ValueError:
            raise GradingError(
                _("{path}, line {number}: not a line of a grading journal").format(path=shown(path), number=number)
            ) from None
        lines.append(line)
    return lines


def _drop_partial_tail(path: Path) -> None:
    """Cut a last line that a kill left unfinished, so that the next line starts on a line of its own."""
    if not path.exists():
        return
    with path.open("rb+") as journal:
        size = journal.seek(0, os.SEEK_END)
        if size == 0:
            return
        journal.seek(max(size - 1, 0))
        if journal.read(1) == b"\n":
            return
        journal.seek(0)
        end = journal.read().rfind(b"\n") + 1
        journal.truncate(end)


def grade_journaled(
    course: Course,
    entries: list[Entry],
    seed: int,
    out: Path,
    grade: Callable[[list[Entry], Callable[[Outcome], None]], None],
    on_done: Callable[[Outcome], None],
) -> list[Outcome]:
    """The outcomes of ENTRIES, in their order: those in OUT's journal as they are, the others graded by GRADE
    (each distinct content once) and journaled as each finishes. ON_DONE is called once for every entry."""
    out.mkdir(parents=True, exist_ok=True)
    with _only_writer(out / JOURNAL):
        journal = Journal(out / JOURNAL, course_digest(course), seed, i18n.current())
        return _grade_into(journal, entries, grade, on_done)


@contextlib.contextmanager
def _only_writer(path: Path) -> Iterator[None]:
    """Hold PATH's lock while a batch writes it: two batches into one directory would interleave their lines
    (POSIX; elsewhere nothing stops it)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with path.open("a") as lock:  # the journal itself: no file of its own to leave behind
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradingError(
                _("another grade batch is writing {path}: wait for it to end").format(path=shown(path))
            ) from None
        yield


def _grade_into(
    journal: Journal,
    entries: list[Entry],
    grade: Callable[[list[Entry], Callable[[Outcome], None]], None],
    on_done: Callable[[Outcome], None],
) -> list[Outcome]:
    outcomes: dict[str, Outcome] = {}
    contents: dict[str, str] = {}
    todo: dict[str, Entry] = {}  # content hash -> the first entry that has it
    for entry in entries:
        try:
            contents[entry.name] = content_digest(entry.path)
        except OSError as exc:
            outcomes[entry.name] = Outcome(entry.name, "error", error=_("cannot read it: {error}").format(error=exc))
            on_done(outcomes[entry.name])
            continue
        found = journal.find(entry.name, contents[entry.name])
        if found is not None:
            outcomes[entry.name] = found
            on_done(found)
        elif contents[entry.name] not in journal.contents:
            todo.setdefault(contents[entry.name], entry)

    def done(outcome: Outcome) -> None:
        outcomes[outcome.name] = outcome
        if outcome.final:
            journal.append(outcome, contents[outcome.name])
        on_done(outcome)

    for entry in todo.values():
        if entry.status:  # nothing to grade in it ("no submission"), or an entry refused with its reason
            done(Outcome(entry.name, entry.status, error=entry.reason))
    grade([e for e in todo.values() if not e.status], done)
    for entry in entries:
        if entry.name not in outcomes:  # the same files as another entry's
            outcomes[entry.name] = journal.reuse(entry.name, contents[entry.name]) or replace(
                outcomes[todo[contents[entry.name]].name], name=entry.name
            )
            on_done(outcomes[entry.name])
    return [outcomes[e.name] for e in entries]


def merge(paths: list[Path], course: str) -> list[dict]:
    """The lines of the journals at PATHS joined, one per student (a later journal's line wins). Only lines of
    COURSE (its hash) count: a journal with none, or lines of different seeds or languages, are refused."""
    merged: dict[str, dict] = {}
    first: tuple[int, Path, str] | None = None  # the first seed seen, where, and its language
    for path in paths:
        if not path.is_file():
            raise GradingError(_("{path} does not exist: no batch was graded there").format(path=shown(path)))
        lines = read_lines(path)
        current = [line for line in lines if line["course"] == course]  # older lines: graded before a course change
        if lines and not current:
            raise GradingError(
                _("{path} holds grades of another version of the course: merge only parts of one batch").format(
                    path=shown(path)
                )
            )
        for line in current:
            first = first or (line["seed"], path, language(line))
            if line["seed"] != first[0]:
                raise GradingError(
                    _("{one} and {two} were graded with different seeds: merge only parts of one batch").format(
                        one=shown(first[1]), two=shown(path)
                    )
                )
            if language(line) != first[2]:
                raise GradingError(
                    _("{one} and {two} were graded in different languages: merge only parts of one batch").format(
                        one=shown(first[1]), two=shown(path)
                    )
                )
            merged[line["name"]] = line
    return [merged[name] for name in sorted(merged)]


def write_lines(path: Path, lines: list[dict]) -> None:
    """Write a whole journal at PATH at once (a merge's), replacing what was there."""
    partial = path.with_suffix(".partial")
    partial.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines), encoding="utf-8")
    partial.replace(path)


def outcome_of(line: dict) -> Outcome:
    """The outcome a journal line records."""
    return Outcome(
        line["name"],
        line["status"],
        line.get("report"),
        line.get("feedback", ""),
        line.get("error", ""),
        line.get("notes", []),
    )
