"""`grade publish` and the published notebooks against the real nbgrader and a real Jupyter kernel.

One nbgrader course directory is published for the whole module; three students hand in the release:
alice with the reference code (which also prints and emits a numpy RuntimeWarning), bob with the stubs,
carol with the classic forward-difference mistake in the gradient. nbgrader autogrades and exports them,
and `grade check` on the same submitted/ tree must give the same scores.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from grader.authoring.markers import BEGIN, END
from grader.grading.runner import collect
from grader.intake.submissions import notebook_name
from grader.model.course import load_course
from grader.publishing.notebooks import answer_release
from grader.publishing.packaging import own_files
from grader.publishing.publish import FULL_COURSE

from conftest import ROOT, grade

ASSIGNMENT = "chapter4"
MISTAKE = ROOT / "tests" / "mutants" / "gradient__forward_difference.py"
NOISY = "print('working on it')\n{indent}np.log(np.zeros(1))  # a numpy RuntimeWarning: divide by zero\n"


def nbgrader(out: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in OUT, as an instructor does, with this venv's tools on PATH."""
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=out, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def noisy(source: str) -> str:
    """SOURCE whose first answer also prints and warns: still correct, so it must keep all its points."""
    return re.sub(
        rf"^([ \t]*){re.escape(BEGIN)}\n",
        lambda m: m.group(0) + m.group(1) + NOISY.format(indent=m.group(1)),
        source,
        count=1,
        flags=re.M,
    )


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nbgrader") / "course_dir"
    run = grade("publish", "--out", str(out), timeout=300)
    assert run.code == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def scores(published: Path, course) -> dict[str, float]:
    """Hand in three submissions, autograde and export them with nbgrader; the exported score per student."""
    release, submitted = published / "release" / ASSIGNMENT, published / "submitted"
    reference = {e.module: (course.solutions_dir / f"{e.module}.py").read_text() for e in course.exercises}
    reference["losses"] = noisy(reference["losses"])
    answer_release(release, submitted / "alice" / ASSIGNMENT, course, reference)
    answer_release(release, submitted / "bob" / ASSIGNMENT, course, {})
    answer_release(release, submitted / "carol" / ASSIGNMENT, course, {**reference, "gradient": MISTAKE.read_text()})
    with (submitted / "carol" / ASSIGNMENT / "course" / "course.yaml").open("a") as handed_in:
        handed_in.write("# carol's own copy\n")
    nbgrader(published, "autograde", ASSIGNMENT)
    nbgrader(published, "export")
    with (published / "grades.csv").open() as table:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(table)}


def test_nbgrader_gives_the_reference_full_marks_the_stubs_zero_and_the_mistake_less(scores):
    assert scores["alice"] == 100  # it printed and warned on every call; whole points add up exactly
    assert scores["bob"] == 0
    assert 0 < scores["carol"] < 100


def test_grade_check_on_the_submitted_tree_gives_nbgraders_scores(published, scores):
    run = grade("check", str(published / "submitted"), "--course", str(published / "course"), "--format", "json")
    assert run.code == 1, run.stderr
    got = {s["student"]: s["score"] for s in run.json()["submissions"]}
    assert got == pytest.approx(scores)
    assert {s["assignment"] for s in run.json()["submissions"]} == {ASSIGNMENT}


def test_grade_check_on_one_notebook_grades_its_exercise(published, scores, course):
    notebook = published / "submitted" / "carol" / ASSIGNMENT / "03_gradient.ipynb"
    run = grade("check", str(notebook), "--course", str(published / "course"), "--format", "json")
    assert run.code == 1, run.stderr
    report = run.json()
    assert [e["id"] for e in report["exercises"]] == ["gradient"]
    assert report["score"] == pytest.approx(scores["carol"] - (100 - course.exercise("gradient").points))
    assert any(t["status"] != "passed" for t in report["exercises"][0]["tests"])


def test_files_shipped_with_the_release_never_overwrite_a_students(published, scores):
    copy = published / "autograded" / "carol" / ASSIGNMENT / "course" / "course.yaml"
    assert copy.read_text().endswith("# carol's own copy\n")


def test_feedback_shows_no_hidden_test_source(published, scores, course):
    nbgrader(published, "generate_feedback", ASSIGNMENT)
    feedback = "".join(p.read_text() for p in (published / "feedback").rglob("*.html"))
    assert "AssertionError" in feedback  # the failing tests say why
    hidden = [e.hidden.read_text() for e in course.exercises if e.hidden is not None and e.hidden.is_file()]
    code = {line.strip() for text in hidden for line in text.splitlines() if "student." in line or "def " in line}
    assert code
    assert not [line for line in code if line in feedback]


def test_the_release_holds_no_solution_line_and_no_hidden_test(published, course):
    release = published / "release" / ASSIGNMENT
    shipped = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    public = {f"course/{e.public.relative_to(ROOT).as_posix()}" for e in course.exercises}
    public |= {f"course/{name}" for name in own_files(course)}  # the probes the suites import, the catalogs
    archive = [p.name for p in release.glob("dlfs-ch4-grader-*.tar.gz")]
    assert shipped == {"course/course.yaml", "README.md", *archive, *public} | {p.name for p in release.glob("*.ipynb")}
    text = "\n".join(cell.source for p in release.glob("*.ipynb") for cell in nbformat.read(p, as_version=4).cells)
    lines = {line.strip() for line in text.splitlines()}
    for solution in course.solutions_dir.glob("*.py"):
        answer, outside = _solution_lines(solution.read_text())
        assert not (answer - outside) & lines, solution.name
    assert "HIDDEN TESTS" not in text
    tests = collect(course, list(course.exercises))
    for exercise in course.exercises:
        assert all(f'"{name}"' in text for name in tests.get((exercise.id, "public"), []))
        assert not [name for name in tests.get((exercise.id, "hidden"), []) if f'"{name}"' in text]
    # The course's catalogs ship without the translations of what only a hidden suite says (a test's description).
    suites = Path("course", "locale", "de", "LC_MESSAGES", "suites.po")
    secret = 'msgid "A 2-D batch holding one row gives the loss of that row given as 1-D."'
    assert secret in (course.root / suites).read_text() and secret not in (release / "course" / suites).read_text()


def test_the_release_notebooks_run_top_to_bottom_in_a_fresh_kernel(published, course):
    """Only test cells fail, each because a stub raises NotImplementedError; the imports of another
    exercise's module (descent, networks) load the student's own notebook of it."""
    release = published / "release" / ASSIGNMENT
    for path in sorted(release.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook, timeout=300, allow_errors=True, resources={"metadata": {"path": str(release)}}
        )
        client.execute()
        for cell in notebook.cells:
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error" or o.get("name") == "stderr"]
            if cell.metadata.get("nbgrader", {}).get("grade"):
                assert all(o.get("ename") == "AssertionError" for o in errors), (path.name, errors)
                assert all("NotImplementedError" in o.evalue for o in errors), (path.name, errors)
            else:
                assert not errors, (path.name, cell.source, errors)


def test_a_broken_notebook_is_one_line_and_exit_2(tmp_path):
    notebook = tmp_path / "03_gradient.ipynb"
    notebook.write_text('{"cells": [')
    run = grade("check", str(notebook))
    assert run.code == 2
    assert run.stderr.strip().count("\n") == 0
    assert "03_gradient.ipynb is not a readable notebook: broken JSON at line 1" in run.stderr


def test_grade_check_on_a_notebook_imports_no_jupyter_package(published, scores):
    notebook = published / "submitted" / "alice" / ASSIGNMENT / "01_losses.ipynb"
    script = (
        "import sys\n"
        "from grader.cli import cli\n"
        "try:\n"
        f"    cli(['check', {str(notebook)!r}, '--course', {str(published / 'course')!r}], prog_name='grade')\n"
        "except SystemExit as exit:\n"
        "    print('EXIT', exit.code)\n"
        "heavy = sorted(m for m in ('nbgrader', 'nbformat', 'jupyter_client', 'IPython') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "EXIT 0" in done.stdout and "HEAVY []" in done.stdout, done.stdout + done.stderr


def _solution_lines(source: str) -> tuple[set[str], set[str]]:
    """The stripped lines inside a module's solution blocks, and those outside them (docstrings, imports)."""
    answer, outside, inside = set(), set(), False
    for line in source.splitlines():
        if line.strip() in (BEGIN, END):
            inside = line.strip() == BEGIN
        elif line.strip():
            (answer if inside else outside).add(line.strip())
    return answer, outside


def test_publish_into_a_folder_of_something_else_is_refused(tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.tex").write_text("my own work")
    run = grade("publish", "--out", str(out))
    assert run.code == 2
    assert run.stderr == (
        f"grade: error: {out} is not empty and holds no earlier publish (no nbgrader_config.py that grade publish "
        "wrote): choose a new directory\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["chapter1.tex"]


def test_every_cell_is_worth_whole_points_that_add_up_to_its_exercises(published, course):
    source = published / "source" / ASSIGNMENT
    for exercise in course.exercises:
        cells = nbformat.read(source / notebook_name(course, exercise), as_version=4).cells
        points = [c.metadata.nbgrader["points"] for c in cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert all(isinstance(p, int) for p in points), (exercise.id, points)
        assert sum(points) == exercise.points, exercise.id


def test_the_seed_is_secret_and_the_release_says_how_to_install_the_grader(published, tmp_path):
    """The seed lives in the instructor's copy of the course only; the release's README names the archive of the
    grader it ships, and that archive installs with pip alone."""
    seed = yaml.safe_load((published / FULL_COURSE / "course.yaml").read_text())["seed"]
    assert seed != load_course(ROOT).seed
    release = published / "release" / ASSIGNMENT
    texts = [p.read_text() for p in release.rglob("*") if p.suffix in (".ipynb", ".md", ".yaml", ".py")]
    assert texts and not [t for t in texts if str(seed) in t]
    (archive,) = release.glob("dlfs-ch4-grader-*.tar.gz")
    assert f'%pip install "./{archive.name}[plot]"' in (release / "README.md").read_text()
    target = tmp_path / "kernel"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
    done = subprocess.run(
        [*pip, "--target", str(target), str(archive)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (target / "grader" / "publishing" / "notebook.py").is_file()


def test_publishing_again_keeps_the_seed_and_seed_sets_it(tmp_path):
    out = tmp_path / "course_dir"
    assert grade("publish", "--out", str(out), "--seed", "4711", timeout=300).code == 0
    assert grade("publish", "--out", str(out), timeout=300).code == 0
    assert yaml.safe_load((out / FULL_COURSE / "course.yaml").read_text())["seed"] == 4711
