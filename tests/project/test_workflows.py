"""Every workflow and script the grader writes passes real linters (actionlint, which runs shellcheck on each
`run:` script; shellcheck on the Gradescope scripts), a broken one does not, and the instructor workflow's
own shell steps do what they say when run here."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.grading.sandbox import namespace_problem

from conftest import ROOT, grade

BIN = Path(sys.executable).parent
ACTIONLINT, SHELLCHECK = shutil.which("actionlint", path=BIN), shutil.which("shellcheck", path=BIN)
pytestmark = pytest.mark.skipif(
    not (ACTIONLINT and SHELLCHECK), reason='actionlint and shellcheck come with pip install -e ".[dev]"'
)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """The student workflow, the instructor workflow and the Gradescope scripts, as the commands write them; and
    this repository's CI workflow."""
    tmp = tmp_path_factory.mktemp("workflows")
    instructor = tmp / "instructor" / ".github" / "workflows" / "grade-students.yml"
    run = grade("release", "--out", str(tmp / "student"), "--instructor-workflow", str(instructor))
    assert run.code == 0, run.stderr
    assert grade("gradescope", "--out", str(tmp / "autograder.zip"), "--seed", "3").code == 0
    with zipfile.ZipFile(tmp / "autograder.zip") as zipped:
        zipped.extract("setup.sh", tmp / "gradescope")
        zipped.extract("run_autograder", tmp / "gradescope")
    return {
        "ci": ROOT / ".github" / "workflows" / "ci.yml",  # this repository's own
        "student": tmp / "student" / ".github" / "workflows" / "grade.yml",
        "instructor": instructor,
        "setup.sh": tmp / "gradescope" / "setup.sh",
        "run_autograder": tmp / "gradescope" / "run_autograder",
    }


def actionlint(path: Path) -> list[dict]:
    done = subprocess.run(
        [ACTIONLINT, "-format", "{{json .}}", "-shellcheck", SHELLCHECK, str(path)], capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout or "[]")


def shellcheck(path: Path) -> list[dict]:
    done = subprocess.run([SHELLCHECK, "--format=json", str(path)], capture_output=True, text=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ["ci", "student", "instructor"])
def test_the_written_workflows_pass_actionlint_and_shellcheck(written, name):
    assert actionlint(written[name]) == []


@pytest.mark.parametrize("name", ["setup.sh", "run_autograder"])
def test_the_gradescope_scripts_pass_shellcheck(written, name):
    assert shellcheck(written[name]) == []


def test_the_linters_catch_a_broken_workflow_and_script(written, tmp_path):
    """The checks above can fail: a job that needs an unknown job's output, and an unquoted variable in a
    run script, are both found."""
    broken = tmp_path / "broken.yml"
    text = written["instructor"].read_text()
    text = text.replace("needs.students.outputs.shards", "needs.student.outputs.shards")
    text = text.replace('mkdir "submissions/$student"', "mkdir submissions/$student")
    broken.write_text(text)
    kinds = {problem["kind"] for problem in actionlint(broken)}
    assert kinds == {"expression", "shellcheck"}
    script = tmp_path / "setup.sh"
    script.write_text(written["setup.sh"].read_text().replace('"$ROOT/venv"', "$ROOT/venv"))
    assert {problem["code"] for problem in shellcheck(script)} == {2086}


def steps(workflow: Path, job: str) -> dict[str, dict]:
    """The steps of JOB by name (or by the action they use)."""
    data = yaml.safe_load(workflow.read_text())
    return {s.get("name") or s["uses"]: s for s in data["jobs"][job]["steps"]}


def run_step(step: dict, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """Run a step's script with bash as GitHub does (-e, pipefail); returns what it wrote to $GITHUB_OUTPUT."""
    output = cwd / "github-output"
    output.write_text("")
    full = {**os.environ, **step.get("env", {}), **env, "GITHUB_OUTPUT": str(output)}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def test_the_instructor_workflow_grades_slices_of_students_with_the_secret_seed(written):
    workflow = yaml.safe_load(written["instructor"].read_text())
    grade_job = workflow["jobs"]["grade"]
    assert grade_job["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.students.outputs.shards) }}"
    assert grade_job["strategy"]["fail-fast"] is False
    by_name = steps(written["instructor"], "grade")
    assert by_name["grade batch"]["env"]["GRADE_SEED"] == "${{ secrets.GRADE_SEED }}"
    assert "--isolation namespace" in by_name["grade batch"]["run"] and "--shard" in by_name["grade batch"]["run"]
    uploads = [s for s in grade_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "grades/"
    final = steps(written["instructor"], "collect")["actions/upload-artifact@v4"]["with"]
    assert final == {"name": "grades", "path": "grades/"}
    assert workflow[True]["workflow_dispatch"]["inputs"]["before"]["required"] is False  # yaml reads "on" as True


def student_repository(server: Path, repo: str, commits: list[tuple[str, str | None]]) -> None:
    """A bare repository SERVER/REPO.git whose commits (date, what exercises/ holds: a folder of ROOT or nothing)
    are made in order."""
    work = server / "work" / repo
    work.mkdir(parents=True)
    git = ["git", "-C", str(work), "-c", "user.name=s", "-c", "user.email=s@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for date, source in commits:
        shutil.rmtree(work / "exercises", ignore_errors=True)
        (work / "README.md").write_text(date)
        if source is not None:
            shutil.copytree(ROOT / source, work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run([*git, "add", "-A"], check=True)
        dated = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run([*git, "commit", "-q", "-m", date], check=True, env=dated)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(server / f"{repo}.git")], check=True)


@pytest.mark.skipif(
    namespace_problem() is not None or not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("git"),
    reason="the instructor workflow grades as root under bubblewrap (--isolation namespace), fetching with git",
)
@pytest.mark.parametrize(("before", "alice_total"), [("", "100"), ("2026-01-15T00:00:00Z", "0")])
def test_the_instructor_workflow_steps_run_here(written, tmp_path, before, alice_total):
    """The workflow's own scripts, run in order: students.txt is read (comments and empty lines skipped), each
    slice's repositories are fetched (at the last commit before --before, when given) and graded with the seed,
    and the slices' journals become one grades.csv. (sudo is a pass-through here: we are root.)"""
    workspace = tmp_path / "instructor"
    workspace.mkdir()
    for name in ("course.yaml", "course", "exercises", "solutions", "tests"):
        (workspace / name).symlink_to(ROOT / name)
    (workspace / ".venv").symlink_to(BIN.parent)
    (workspace / "students.txt").write_text(
        "# chapter 4\nalice/dlfs-ch4\n\nbob/dlfs-ch4\n  # carol/dlfs-ch4\ndave/gone\n"
    )
    server = tmp_path / "server"
    student_repository(
        server, "alice/dlfs-ch4", [("2026-01-01T00:00:00Z", "exercises"), ("2026-02-01T00:00:00Z", "solutions")]
    )
    student_repository(server, "bob/dlfs-ch4", [("2026-01-01T00:00:00Z", "exercises")])
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "sudo").write_text('#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n')
    (shims / "sudo").chmod(stat.S_IRWXU)
    env = {"PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "GITHUB_SERVER_URL": f"file://{server}"}

    listed = run_step(steps(written["instructor"], "students")["Read students.txt"], workspace, env)
    assert (listed["count"], listed["slices"], listed["shards"]) == ("3", "1", "[1]")

    jobs = {name: tmp_path / name for name in ("grade", "collect")}
    for job in jobs.values():
        job.mkdir()
        for name in ("course.yaml", "course", "exercises", "solutions", "tests", ".venv", "students.txt"):
            (job / name).symlink_to(workspace / name)
    grade_steps = steps(written["instructor"], "grade")
    shard = {**env, "SHARD": "1/1", "BEFORE": before, "TOKEN": "t"}
    run_step(grade_steps["Fetch the slice's repositories"], jobs["grade"], shard)
    assert list((jobs["grade"] / "submissions" / "dave--gone").iterdir()) == []  # fetched nothing: no submission
    run_step(grade_steps["grade batch"], jobs["grade"], {**shard, "GRADE_SEED": "11"})
    shutil.copytree(jobs["grade"] / "grades", jobs["collect"] / "parts" / "grades-1")

    run_step(steps(written["instructor"], "collect")["One grades.csv"], jobs["collect"], env)
    grades = jobs["collect"] / "grades"
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((grades / "grades.csv").read_text()))}
    assert sorted(rows) == ["alice--dlfs-ch4", "bob--dlfs-ch4", "dave--gone"]
    assert rows["dave--gone"]["status"] == "no submission"
    assert rows["alice--dlfs-ch4"]["total"] == alice_total and rows["alice--dlfs-ch4"]["max_score"] == "100"
    assert rows["bob--dlfs-ch4"]["total"] == "0"
    assert sorted(p.name for p in (grades / "feedback").iterdir()) == [f"{name}.md" for name in sorted(rows)]
    results = json.loads((grades / "results.json").read_text())
    assert results["alice--dlfs-ch4"]["seed"] == 11
