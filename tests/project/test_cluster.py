"""grade batch --cluster local:2 on a real Dask LocalCluster: the same grades.csv as -j 2, hanging and os._exit
submissions marked as such, a lost worker costs only its submission, which is graded again elsewhere, and a
submission that ends worker after worker becomes an error row while the rest finish."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from test_batch import GOOD, SUITE, make_submissions, rows
from test_journal import journal

from grader.grading.sandbox import namespace_problem

from conftest import ROOT, WAIT, grade

pytest.importorskip("distributed", reason='Dask comes with pip install -e ".[dev]"')

# Student code that kills the Dask worker process that grades it: its worker's parent is the slot, whose parent
# is the Dask worker (process isolation, where nothing keeps it from seeing its parents).
KILL_DASK_WORKER = """\
import os, signal

def _parent(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])

def _kill_dask_worker():
    os.kill(_parent(os.getppid()), signal.SIGKILL)
"""


@pytest.mark.skipif(namespace_problem() is not None, reason="namespace isolation, as on a real cluster")
def test_a_local_cluster_gives_the_grades_of_j2(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1")
    folder = make_submissions(root)  # among them a hanging one (erin) and one that calls os._exit (dave)
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    base = ("batch", str(folder), "--course", str(root), "--seed", "5", "--isolation", "namespace")
    assert grade(*base, "--out", str(local), "-j", "2").code == 0
    run = grade(*base, "--out", str(cluster), "--cluster", "local:2")
    assert run.code == 0, run.stderr
    assert (cluster / "grades.csv").read_text() == (local / "grades.csv").read_text()
    grades = rows(cluster)
    assert grades["erin"]["notes"] == "toy: 1 timeout" and grades["dave"]["notes"] == "toy: 1 error"
    assert {line["report"]["isolation"] for line in journal(cluster)} == {"namespace"}
    assert "did not finish within 1 s" in (cluster / "feedback" / "erin.md").read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="student code finds its Dask worker in /proc")
def test_lost_workers_cost_only_their_submission(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD})
    folder, mark = tmp_path / "subs", tmp_path / "killed-once"
    sources = {f"good{i}": f"# {i}\n{GOOD}" for i in range(4)}
    sources["once"] = (
        f"{KILL_DASK_WORKER}\ndef one():\n    if not os.path.exists({str(mark)!r}):\n"
        f"        open({str(mark)!r}, 'w').close()\n        _kill_dask_worker()\n    return 1\n"
        "def two(): return 2\n"
    )
    sources["always"] = f"{KILL_DASK_WORKER}\ndef one():\n    _kill_dask_worker()\ndef two(): return 2\n"
    for name, source in sources.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "toy.py").write_text(source)
    out = tmp_path / "out"
    run = grade(
        "batch", str(folder), "--out", str(out), "--course", str(root), "--cluster", "local:2", "--isolation", "process"
    )
    assert run.code == 1, run.stderr  # one submission could not be graded
    assert mark.exists()  # the first grading of "once" did end its worker
    assert sorted(line["name"] for line in journal(out)) == sorted(sources)  # every submission exactly once
    grades = rows(out)
    assert {grades[name]["total"] for name in sources if name != "always"} == {"10"}
    assert grades["always"]["status"] == "error"
    assert grades["always"]["notes"] == "its grading ended a cluster worker again and again"


def test_grade_check_never_imports_dask():
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['grade', 'check', 'solutions', '-e', 'losses', '--isolation', 'process']\n"
        "try:\n    runpy.run_module('grader', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_grade_worker_refuses_to_start_without_namespace_isolation(tmp_path):
    bare = tmp_path / "bin"  # a PATH without bubblewrap
    bare.mkdir()
    for tool in ("setpriv", "true"):
        if shutil.which(tool):
            (bare / tool).symlink_to(shutil.which(tool))
    env = {**os.environ, "GRADE_LANG": "en", "PATH": str(bare)}
    run = grade("worker", "--scheduler", "tcp://127.0.0.1:9", env=env)
    assert run.code == 2
    assert run.stderr.startswith("grade: error: a grading worker needs namespace isolation, which cannot run here: ")
    assert run.stderr.count("\n") == 1


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, start_new_session=True)


@pytest.mark.skipif(namespace_problem() is not None, reason="grade worker runs only where namespace isolation does")
def test_grade_worker_serves_a_scheduler_in_namespace_isolation(toy_course, tmp_path):
    root = toy_course(SUITE, {"toy": GOOD}, "call_seconds: 1")
    folder = make_submissions(root)
    address_file = tmp_path / "scheduler.json"
    scheduler = start(
        "-m",
        "distributed.cli.dask_scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-dashboard",
        "--scheduler-file",
        str(address_file),
    )
    started = [scheduler]
    try:
        deadline = time.monotonic() + WAIT
        while not address_file.exists() and scheduler.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the scheduler writes its address once it listens
        address = json.loads(address_file.read_text())["address"]
        started.append(start("-m", "grader", "worker", "--scheduler", address, "--nworkers", "1"))
        base = ("batch", str(folder), "--course", str(root), "--seed", "5")
        run = grade(*base, "--out", str(tmp_path / "cluster"), "--cluster", address)  # isolation: the worker's
        assert run.code == 0, run.stderr
        assert grade(*base, "--out", str(tmp_path / "local"), "-j", "1", "--isolation", "namespace").code == 0
        assert (tmp_path / "cluster" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()
        assert {line["report"]["isolation"] for line in journal(tmp_path / "cluster")} == {"namespace"}
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=WAIT)


def test_the_course_travels_with_its_own_files(tmp_path):
    """Chapter 4's suites import the course's probes and mistakes and speak from its catalogs: a cluster worker,
    which gets the course as bytes, grades the reference and a mutant as -j does, in German too."""
    from grader.authoring.validate import load_mutants, mutated_copy
    from grader.model.course import load_course

    course = load_course(ROOT)
    folder = tmp_path / "subs"
    shutil.copytree(ROOT / "solutions", folder / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    mutant = next(m for m in load_mutants(course) if m.path.stem == "gradient__forward_difference")
    mutated_copy(course, mutant, folder / "forward")
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    base = ("batch", str(folder), "--seed", "5", "--isolation", "process", "--lang", "de")
    assert grade(*base, "--out", str(local), "-j", "1").code == 0
    run = grade(*base, "--out", str(cluster), "--cluster", "local:1")
    assert run.code == 0, run.stderr
    assert (cluster / "grades.csv").read_text() == (local / "grades.csv").read_text()
    assert rows(cluster)["reference"]["total"] == "100"
    assert "Vorwärtsdifferenz" in (cluster / "feedback" / "forward.md").read_text()
