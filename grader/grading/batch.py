"""Grading many submissions at once: a few long-lived grading processes ("slots") take submissions from
a queue, so start-up is paid once per slot, not once per submission. A slot that dies or hangs costs only
the submission it was grading (marked as such) and is replaced; nothing a submission does reaches another.

A slot is `python -m grader.grading.batch --slot ...`: it reads one JSON line per submission on stdin and answers
one JSON line with the report (or the error) on the pipe it was given.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.grading.runner import SEED_VARIABLE
from grader.intake import submissions
from grader.model.course import Course

MAX_UNZIPPED = 50 * 1024 * 1024
END_SECONDS = 10.0  # a slot with nothing more to grade ends on its own within this time, or is killed


NO_SUBMISSION = "no submission"


@dataclass
class Entry:
    """One entry of a batch: its name (the student), where its files are, and, when it cannot be graded, its
    status ("no submission" or "error") and why."""

    name: str
    path: Path
    status: str = ""
    reason: str = ""


@dataclass
class Outcome:
    """The grading of one entry: the JSON report, or why there is none."""

    name: str
    status: str  # graded | no submission | error | timeout
    report: dict | None = None
    feedback: str = ""
    error: str = ""
    notes: list[str] = field(default_factory=list)
    final: bool = True  # False when the grader failed or may have (a worker that could not start): graded again


def find_entries(paths: list[Path], course: Course, scratch: Path) -> list[Entry]:
    """The entries named by PATHS: a submission itself (a directory of modules or notebooks, a notebook, a zip)
    or a folder of them, one entry for each thing in it, whatever it is; zips are unpacked into SCRATCH."""
    entries: list[Entry] = []
    for path in paths:
        if not path.exists():
            raise GradingError(_("{path} does not exist").format(path=shown(path)))
        if path.is_file() or _is_submission(path, course):
            entries.append(_entry(path, course, scratch, path.stem if path.is_file() else path.name))
        else:
            members = [m for m in sorted(path.iterdir()) if not submissions.ignored(Path(m.name))]
            stems = [m.stem for m in members]
            entries += [_entry(m, course, scratch, m.stem if stems.count(m.stem) == 1 else m.name) for m in members]
    names = [e.name for e in entries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GradingError(_("two submissions share the name {name}: rename one").format(name=repr(duplicates[0])))
    if not entries:
        raise GradingError(_("no submissions found (directories of modules or notebooks, notebooks, zip files)"))
    return entries


def _is_submission(path: Path, course: Course) -> bool:
    """True for a zip or a notebook, and for a folder that holds an exercise's module or notebook itself."""
    if path.is_file():
        return path.suffix in (".zip", submissions.NOTEBOOK_SUFFIX)
    return submissions.locate(path, course) == path


def _entry(path: Path, course: Course, scratch: Path, name: str) -> Entry:
    """The entry for PATH: the folder in it that holds the answers, or why there is nothing to grade."""
    if path.is_file() and path.suffix == submissions.NOTEBOOK_SUFFIX:
        if submissions.exercise_of(path, course) is None:
            return Entry(name, path, "error", _("{name} is not the notebook of an exercise").format(name=path.name))
        return Entry(name, path)
    if path.is_file() and path.suffix != ".zip":
        problem = _("{name} is not a submission (a folder, a zip or a notebook)").format(name=path.name)
        return Entry(name, path, "error", problem)
    folder = path
    if path.suffix == ".zip" and path.is_file():
        folder = scratch / name
        try:
            _unzip(path, folder)
        except GradingError as exc:
            return Entry(name, path, "error", str(exc))
    found = submissions.locate(folder, course)
    if found is None:
        return Entry(name, folder, NO_SUBMISSION, _("received: {files}").format(files=submissions.received(folder)))
    return Entry(name, found)


def _unzip(archive: Path, target: Path) -> None:
    """Unpack a zip safely: no member outside TARGET, no more than MAX_UNZIPPED bytes in all."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if sum(m.file_size for m in members) > MAX_UNZIPPED:
                raise GradingError(
                    _("{archive} unpacks to more than {limit} MiB").format(
                        archive=archive.name, limit=MAX_UNZIPPED // 2**20
                    )
                )
            for member in members:
                destination = (target / member.filename).resolve()
                if not destination.is_relative_to(target.resolve()):
                    raise GradingError(
                        _("{archive} holds a path outside itself: {path}").format(
                            archive=archive.name, path=member.filename
                        )
                    )
            target.mkdir(parents=True)
            zipped.extractall(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GradingError(
            _("{archive} is not a readable zip file: {reason}").format(archive=archive.name, reason=reason)
        ) from None


def grade_all(
    course: Course,
    entries: list[Entry],
    seed: int,
    isolation: str | None,
    jobs: int,
    on_done: Callable[[Outcome], None],
) -> list[Outcome]:
    """Grade ENTRIES on JOBS slots; ON_DONE is called as each finishes. Outcomes come back in entry order."""
    todo: queue.Queue[Entry | None] = queue.Queue()
    outcomes: dict[str, Outcome] = {}
    lock = threading.Lock()
    for entry in entries:
        if entry.status:
            outcomes[entry.name] = Outcome(entry.name, entry.status, error=entry.reason)
            on_done(outcomes[entry.name])
        else:
            todo.put(entry)

    def run_slot(cpu: int | None) -> None:
        slot = Slot(course, seed, isolation, i18n.current(), cpu)
        try:
            while True:
                try:
                    entry = todo.get_nowait()
                except queue.Empty:
                    return
                outcome = slot.grade(entry)
                with lock:
                    outcomes[entry.name] = outcome
                    on_done(outcome)
        finally:
            slot.close(wait=END_SECONDS)

    # daemons: on Ctrl+C the command ends at once instead of grading on in the background
    cpus = slot_cpus(min(jobs, todo.qsize()))
    threads = [threading.Thread(target=run_slot, args=(cpu,), daemon=True) for cpu in cpus]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [outcomes[e.name] for e in entries]


def slot_cpus(slots: int) -> list[int | None]:
    """The CPU each of SLOTS slots is kept on (round robin over those this process may use), or None for each.

    A slot and its worker take turns, a call at a time (about 300 a submission): on one CPU a turn costs a few
    microseconds; across two, each wake-up of the other side costs tens more (measured: 10 against 35 us of CPU
    on each side, ~18 ms of CPU a submission). Where the slots fill every CPU, keeping each slot and the workers
    it starts on a CPU of their own costs no parallelism; with fewer slots than CPUs, the scheduler places them.
    """
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not usable or slots < len(usable):
        return [None] * slots
    return [usable[index % len(usable)] for index in range(slots)]


class Slot:
    """One grading process, restarted whenever it dies or overruns a submission's time; with a CPU, the process
    and every worker it starts (they inherit it) run on that CPU only."""

    def __init__(self, course: Course, seed: int, isolation: str | None, lang: str, cpu: int | None = None) -> None:
        self.command = [sys.executable, "-m", "grader.grading.batch", "--slot", str(course.root), isolation or "auto"]
        # The seed goes in the environment, which only the slot's own uid can read (/proc/PID/environ); a command
        # line is readable by every uid, and so by student code in uid isolation. LANG is the feedback's language.
        self.env = {**os.environ, SEED_VARIABLE: str(seed), i18n.LANGUAGE_VARIABLE: lang}
        self.timeout = course.limits.submission_seconds + 30
        self.process: subprocess.Popen | None = None
        self.cpu = cpu

    def start(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=self.env,
            )
            if self.cpu is not None:  # before it reads its first submission, so before it starts a worker
                with contextlib.suppress(OSError):  # a CPU taken away meanwhile: the scheduler places it
                    os.sched_setaffinity(self.process.pid, {self.cpu})
        return self.process

    def grade(self, entry: Entry) -> Outcome:
        process = self.start()
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline()))
        try:
            process.stdin.write(json.dumps({"name": entry.name, "path": str(entry.path)}) + "\n")
            process.stdin.flush()
        except OSError:
            pass
        reader.start()
        reader.join(self.timeout)
        if reader.is_alive():
            self.close()
            return Outcome(
                entry.name,
                "timeout",
                error=_("grading took longer than {seconds} s").format(seconds=f"{self.timeout:g}"),
            )
        if not answer or not answer[0]:
            self.close()
            # not journaled: the slot may have died of the grader's environment, not of the submission
            return Outcome(entry.name, "error", error=_("the grading process died"), final=False)
        result = json.loads(answer[0])
        if "error" in result:
            return Outcome(entry.name, "error", error=result["error"], final=result.get("final", True))
        report = result["report"]
        return Outcome(entry.name, "graded", report=report, feedback=result["feedback"], notes=_notes(report))

    def close(self, wait: float = 0.0) -> None:
        """End the slot process: at once, or (with WAIT) as it ends when it has nothing more to grade, which lets
        it end its zygote and remove its staging directory, killed if it has not ended after WAIT seconds."""
        if self.process is not None:
            if wait:
                with contextlib.suppress(OSError):
                    self.process.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(wait)
            with contextlib.suppress(OSError):
                self.process.kill()
            self.process.wait()
            self.process = None


def _notes(report: dict) -> list[str]:
    """Name every test that did not fail by a wrong answer but by an error or a timeout."""
    notes = []
    for exercise in report["exercises"]:
        for status in ("timeout", "error"):
            count = sum(t["status"] == status for t in exercise["tests"])
            if count:
                notes.append(f"{exercise['id']}: {count} {status}{'s' if count > 1 else ''}")
    return notes


def write_outputs(course: Course, outcomes: list[Outcome], out: Path) -> None:
    """grades.csv (one row per student, one column per exercise, the total, the status), results.json and
    one feedback file per student under OUT."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "feedback").mkdir(exist_ok=True)
    ids = [e.id for e in course.exercises]
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["student", *ids, "total", "max_score", "status", "notes"])
    for outcome in sorted(outcomes, key=lambda o: o.name):
        if outcome.report is None:
            writer.writerow([outcome.name, *["" for _ in ids], "", "", outcome.status, outcome.error])
            text = (
                _("Nothing was graded: no exercise module or notebook was found ({error}).")
                if outcome.status == NO_SUBMISSION
                else _("Your submission could not be graded: {error}")
            ).format(error=outcome.error) + "\n"
        else:
            scores = {e["id"]: e["score"] for e in outcome.report["exercises"]}
            writer.writerow(
                [
                    outcome.name,
                    *[_number(scores.get(i, "")) for i in ids],
                    _number(outcome.report["score"]),
                    _number(outcome.report["max_score"]),
                    outcome.status,
                    "; ".join(outcome.notes),
                ]
            )
            text = outcome.feedback
        (out / "feedback" / f"{outcome.name}.md").write_text(text, encoding="utf-8")
    (out / "grades.csv").write_text(rows.getvalue(), encoding="utf-8")
    results = {o.name: o.report or {"status": o.status, "error": o.error} for o in outcomes}
    (out / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def serve_slot(course_root: Path, seed: int, isolation: str) -> None:
    """The slot process: load the suites once, then grade each submission named on stdin; answer on the real
    stdout only."""
    from grader.grading import runner, zygote
    from grader.model.course import load_course

    i18n.use(None)  # the batch's language, which Slot put in the environment
    answers = os.fdopen(os.dup(1), "w")
    requests = os.fdopen(os.dup(0))  # while pytest runs, its capture puts /dev/null on fd 0
    os.dup2(2, 1)  # nothing printed while grading can be taken for an answer
    course = load_course(course_root)
    with contextlib.suppress(GradingError):  # an isolation that cannot work here is said with the first answer
        zygote.start(runner.isolation_for(course, isolation))  # imports numpy while pytest loads the suites
    served = []

    def loop(grade: Callable) -> None:
        served.append(True)
        _answer_each(course, requests, answers, lambda d: grade(runner.open_session(course, d, seed, isolation)))

    try:
        runner.serve(course, list(course.exercises), loop)
    except GradingError as exc:
        if served:
            raise  # pytest broke down mid-batch: this slot ends, and the submission it had is marked as such
        _answer_each(course, requests, answers, functools.partial(_refuse, exc))  # the suites cannot run
    finally:
        zygote.stop()


def _answer_each(course: Course, requests: io.TextIOBase, answers: io.TextIOBase, grade: Callable) -> None:
    """Answer each request line with the report GRADE gives for its submission's directory, or the error."""
    from grader.grading.remote import WorkerStartError
    from grader.intake import submissions
    from grader.reports import render
    from grader.reports.json_report import as_dict

    for line in requests:
        request = json.loads(line)
        try:
            with submissions.opened(Path(request["path"]), course) as found:
                report = grade(found[0].directory)
            answer = {"name": request["name"], "report": as_dict(report), "feedback": render(report, "markdown")}
        except GradingError as exc:
            answer = {"name": request["name"], "error": str(exc), "final": not isinstance(exc, WorkerStartError)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def _refuse(error: GradingError, _directory: Path) -> None:
    raise error


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="grade-batch-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--slot"]:
    serve_slot(Path(sys.argv[2]), int(os.environ[SEED_VARIABLE]), sys.argv[3])
