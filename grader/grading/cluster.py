"""Grading on a Dask cluster (`grade batch --cluster local:N|tcp://HOST:PORT`), the optional extra [cluster].

Each Dask worker process holds one long-lived grading slot (grader.grading.batch.Slot: the suites loaded once, a fresh
sandbox per submission), set up by a worker plugin that carries the course as bytes, so worker hosts need the
grader installed but no copy of the course. Submissions travel as bytes too (a zip of their files), at most
about twice as many as there are slots at once. A worker lost mid-run costs only what it held, which Dask grades
again elsewhere; a submission whose grading ends its worker again and again (Dask's allowed failures) becomes an
error row, and the rest go on.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import dask
from distributed import Client, KilledWorker, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.grading.batch import END_SECONDS, Entry, Outcome, Slot
from grader.grading.journal import course_files, submission_files
from grader.grading.runner import ISOLATION_VARIABLE, refuse_links
from grader.grading.sandbox import refuse_oversized, remove_tree
from grader.model.course import Course, load_course

IN_FLIGHT_PER_SLOT = 2  # submissions sent per slot: one graded, one waiting, so no slot idles between them
# A worker is sent one submission at a time (a lost worker then takes only the one it grades, and only that one is
# charged with the loss), and a submission that ends three workers is given up. Give a scheduler of your own the
# same settings: DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0.
LOCAL_CONFIG = {"distributed.scheduler.worker-saturation": 1.0, "distributed.scheduler.allowed-failures": 2}


@contextlib.contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the cluster ADDRESS names: local:N starts a LocalCluster of N one-slot worker processes here,
    tcp://HOST:PORT (or tls://…) is an existing scheduler."""
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise GradingError(_("--cluster {address}: expected local:N with N >= 1").format(address=address))
        with (
            dask.config.set(LOCAL_CONFIG),
            LocalCluster(
                n_workers=int(count),
                threads_per_worker=1,
                processes=True,
                memory_limit=0,  # each submission has its own limits; Dask's would restart a slot mid-grading
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # what goes wrong is in grades.csv
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if "://" not in address:
        raise GradingError(
            _("--cluster {address}: expected local:N or a scheduler's address, tcp://HOST:PORT").format(address=address)
        )
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise GradingError(
            _("cannot reach the Dask scheduler at {address}: {error}").format(address=address, error=exc)
        ) from None
    with client:
        yield client


class SlotPlugin(WorkerPlugin):
    """Gives a Dask worker process its grading slot: unpacks the course (sent as bytes) where only this user can
    read it, and grades one submission at a time with it."""

    def __init__(self, course: bytes, seed: int, isolation: str | None, lang: str) -> None:
        self.course, self.seed, self.isolation, self.lang = course, seed, isolation, lang

    def setup(self, worker) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="grade-course-"))  # mode 0700: the hidden suites stay ours
        unpack(self.course, self.root)
        isolation = self.isolation or os.environ.get(ISOLATION_VARIABLE)  # grade worker's: namespace
        self.slot = Slot(load_course(self.root), self.seed, isolation, self.lang)
        self.lock = threading.Lock()  # one slot: a worker with more threads grades one submission at a time

    def teardown(self, worker) -> None:
        self.slot.close(wait=END_SECONDS)
        remove_tree(self.root)

    def grade(self, name: str, member: str, payload: bytes) -> Outcome:
        with self.lock, tempfile.TemporaryDirectory(prefix="grade-sub-") as scratch:
            unpack(payload, Path(scratch))
            return self.slot.grade(Entry(name, Path(scratch) / member))


def grade_remote(plugin: str, name: str, member: str, payload: bytes) -> dict:
    """The task a Dask worker runs: grade one submission in the slot of this batch's PLUGIN; the outcome as plain
    data."""
    return asdict(get_worker().plugins[plugin].grade(name, member, payload))


def pack(files: list[tuple[str, Path]]) -> bytes:
    """FILES (name in the archive, path) as the bytes of a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, path in files:
            zipped.writestr(name, path.read_bytes())
    return buffer.getvalue()


def unpack(payload: bytes, target: Path) -> None:
    """Write the zip PAYLOAD (made by pack on the trusted side) into TARGET."""
    with zipfile.ZipFile(io.BytesIO(payload)) as zipped:
        zipped.extractall(target)


def pack_entry(entry: Entry) -> tuple[str, bytes]:
    """What a worker needs of ENTRY: the name to grade inside the unpacked zip, and the zip's bytes. Refused as
    the slot would refuse it here: links out of it, more files or bytes than a sandbox takes."""
    if entry.path.is_file():
        return entry.path.name, pack([(entry.path.name, entry.path)])
    refuse_links(entry.path)
    refuse_oversized(entry.path.resolve())
    return ".", pack([(p.relative_to(entry.path).as_posix(), p) for p in submission_files(entry.path)])


def pack_course(course: Course) -> bytes:
    """The course's files (course.yaml, suites, solutions, its own files) as the bytes of a zip."""
    return pack([(p.relative_to(course.root).as_posix(), p) for p in course_files(course)])


def grade_on_cluster(
    address: str,
    course: Course,
    entries: list[Entry],
    seed: int,
    isolation: str | None,
    on_done: Callable[[Outcome], None],
) -> None:
    """Grade ENTRIES on the cluster at ADDRESS, at most IN_FLIGHT_PER_SLOT per slot at once; ON_DONE is called as
    each finishes."""
    if not entries:
        return
    plugin = f"grade-slot-{uuid.uuid4().hex}"  # this batch's: others may share the cluster
    with connect(address) as client:
        slots = SlotPlugin(pack_course(course), seed, isolation, i18n.current())
        client.register_plugin(slots, name=plugin)
        try:
            _grade_windowed(client, plugin, entries, on_done)
        finally:
            client.unregister_worker_plugin(plugin)


def _grade_windowed(client: Client, plugin: str, entries: list[Entry], on_done: Callable[[Outcome], None]) -> None:
    """Keep about IN_FLIGHT_PER_SLOT submissions per slot the cluster has (now: workers may come and go) on it,
    sending more as each one ends."""
    remaining = iter(entries)
    names: dict[str, str] = {}  # the submissions out, by task key
    window = as_completed()

    def send_next() -> bool:
        """Send the next submission that can be packed (those that cannot are error rows); False when none is left."""
        for entry in remaining:
            try:
                member, payload = pack_entry(entry)
            except GradingError as exc:
                on_done(Outcome(entry.name, "error", error=str(exc)))
                continue
            future = client.submit(grade_remote, plugin, entry.name, member, payload, key=f"grade-{uuid.uuid4().hex}")
            names[future.key] = entry.name
            window.add(future)
            return True
        return False

    def top_up() -> None:
        wanted = IN_FLIGHT_PER_SLOT * max(sum(client.nthreads().values()), 1)
        while len(names) < wanted and send_next():
            pass

    top_up()
    for future in window:
        on_done(_outcome(future, names.pop(future.key)))
        future.release()
        top_up()


def _outcome(future, name: str) -> Outcome:
    """A finished task's outcome; a submission that ended its workers again and again is an error row, and any
    other failure the cluster's, so graded again on the next run."""
    try:
        return Outcome(**future.result())
    except KilledWorker:
        return Outcome(name, "error", error=_("its grading ended a cluster worker again and again"))
    except Exception as exc:
        return Outcome(
            name, "error", error=_("the cluster could not grade it: {error}").format(error=f"{exc}"[:300]), final=False
        )
