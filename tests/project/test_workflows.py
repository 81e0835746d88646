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
    text = text.replace("needs.students.outputs.repos", "needs.student.outputs.repos")
    text = text.replace('head -n 1 "$1" > grades/grades.csv', "head -n 1 $1 > grades/grades.csv")
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


def test_the_instructor_workflow_grades_a_matrix_of_repositories_with_the_secret_seed(written):
    workflow = yaml.safe_load(written["instructor"].read_text())
    grade_job = workflow["jobs"]["grade"]
    assert grade_job["strategy"]["matrix"]["repo"] == "${{ fromJSON(needs.students.outputs.repos) }}"
    assert grade_job["strategy"]["fail-fast"] is False
    by_name = steps(written["instructor"], "grade")
    assert by_name["grade batch"]["env"]["GRADE_SEED"] == "${{ secrets.GRADE_SEED }}"
    assert "--isolation namespace" in by_name["grade batch"]["run"]
    uploads = [s for s in grade_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "grades/"
    final = steps(written["instructor"], "collect")["actions/upload-artifact@v4"]["with"]
    assert final == {"name": "grades", "path": "grades/"}


@pytest.mark.skipif(
    namespace_problem() is not None or not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="the instructor workflow grades as root under bubblewrap (--isolation namespace)",
)
def test_the_instructor_workflow_steps_run_here(written, tmp_path):
    """The workflow's own scripts, run in order on two students: students.txt is read, each repository is
    graded with the seed, and the parts become one grades.csv. (sudo is a pass-through here: we are root.)"""
    workspace = tmp_path / "instructor"
    workspace.mkdir()
    for name in ("course.yaml", "course", "exercises", "solutions", "tests"):
        (workspace / name).symlink_to(ROOT / name)
    (workspace / ".venv").symlink_to(BIN.parent)
    (workspace / "students.txt").write_text("# chapter 4\nalice/dlfs-ch4\n\nbob/dlfs-ch4\n")
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "sudo").write_text('#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n')
    (shims / "sudo").chmod(stat.S_IRWXU)
    path = {"PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}

    listed = run_step(steps(written["instructor"], "students")["Read students.txt"], workspace, path)
    repos = json.loads(listed["repos"])
    assert repos == ["alice/dlfs-ch4", "bob/dlfs-ch4"]

    grade_steps = steps(written["instructor"], "grade")
    parts = tmp_path / "parts"
    for index, (repo, source) in enumerate(zip(repos, ("solutions", "exercises"), strict=True)):
        job = tmp_path / f"job{index}"
        job.mkdir()
        for name in ("course.yaml", "course", "exercises", "solutions", "tests", ".venv"):
            (job / name).symlink_to(workspace / name)
        student = run_step(grade_steps["Name the submission"], job, {**path, "REPO": repo})["student"]
        assert student == repo.replace("/", "--")
        shutil.copytree(ROOT / source, job / "repos" / student / "exercises")
        run_step(grade_steps["grade batch"], job, {**path, "GRADE_SEED": "11", "STUDENT": student})
        shutil.copytree(job / "grades", parts / f"grades-{index}")

    run_step(steps(written["instructor"], "collect")["One grades.csv"], tmp_path, path)
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "grades" / "grades.csv").read_text()))}
    assert sorted(rows) == ["alice--dlfs-ch4", "bob--dlfs-ch4"]
    assert rows["alice--dlfs-ch4"]["total"] == rows["alice--dlfs-ch4"]["max_score"] == "100"
    assert rows["bob--dlfs-ch4"]["total"] == "0"
    assert sorted(p.name for p in (tmp_path / "grades" / "feedback").iterdir()) == [
        "alice--dlfs-ch4.md",
        "bob--dlfs-ch4.md",
    ]
    results = json.loads((parts / "grades-0" / "results.json").read_text())
    assert results["alice--dlfs-ch4"]["seed"] == 11
