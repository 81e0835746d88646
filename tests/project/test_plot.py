"""`grade plot`, grader.tools and the course's pictures: the student's own code drawn through the worker, beside
the reference.

The traces are checked as numbers (the picture is drawn from them); the PNGs are checked to be real images.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.core.errors import GradingError
from grader.grading.course_code import course_pictures, install_course_code
from grader.grading.reference import Reference
from grader.grading.remote import Session
from grader.model.course import load_course
from grader.tools import plotting
from grader.tools.pictures import _Seeded

from conftest import ROOT, grade

COURSE = load_course(ROOT)
REFERENCE = Reference(COURSE.solutions_dir)
course_pictures(COURSE)  # loads course/pictures.py as the module `pictures`
chapter = sys.modules["pictures"]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, read from its header (which also proves it is one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def submission(tmp_path: Path):
    """The reference solutions as a submission, with some modules swapped for known mistakes or stubs."""

    def make(**swaps: Path) -> Path:
        directory = tmp_path / "mine"
        shutil.copytree(ROOT / "solutions", directory, dirs_exist_ok=True)
        for module, source in swaps.items():
            shutil.copy(source, directory / f"{module}.py")
        return directory

    return make


@pytest.fixture
def descent_in_worker(submission):
    """The gradient_descent of a submission, run in a real worker process."""
    sessions: list[Session] = []

    def start(**swaps: Path):
        session = Session(submission(**swaps).resolve(), COURSE.limits, COURSE.seed, probes=install_course_code(COURSE))
        sessions.append(session)
        return session.module("descent", {}, "descent").gradient_descent

    yield start
    for session in sessions:
        session.finish()


def test_the_three_cases_of_the_source_text(descent_in_worker):
    """lr 0.1 converges, lr 10 diverges (to the ~1e13 plateau where the numerical gradient cancels), lr 1e-10
    barely moves; each path starts at (-3, 4) and follows the reference step for step."""
    student = descent_in_worker()
    traces = {lr: chapter.descent_trace(student, lr) for lr in chapter.LEARNING_RATES}
    assert [traces[lr].behaviour for lr in (0.1, 10, 1e-10)] == ["converged", "diverged", "barely moved"]
    for lr, trace in traces.items():
        assert trace.points.shape == (chapter.STEPS + 1, 2)
        np.testing.assert_array_equal(trace.points[0], [-3.0, 4.0])
        assert trace.agrees
        reference = chapter.descent_trace(REFERENCE.module("descent").gradient_descent, lr)
        np.testing.assert_allclose(trace.points, reference.points, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(traces[0.1].points[1], [-2.4, 3.2])  # one step: x (1 − 2·lr)
    assert 1e12 < np.abs(traces[10].points[-1]).max() < 1e14


def test_a_diverging_path_is_cut_where_it_leaves_the_view():
    """(-3, 4) → (57, -76) leaves [-5, 5]² through its bottom edge at (3.75, -5): the drawn path stops there."""
    trace = chapter.DescentTrace(10.0, np.array([[-3.0, 4.0], [57.0, -76.0], [-1083.0, 1444.0], [np.inf, np.nan]]))
    shown, left = chapter._clip(trace.points)
    assert left
    np.testing.assert_allclose(shown, [[-3.0, 4.0], [3.75, -5.0]])
    inside = np.array([[-3.0, 4.0], [0.6, -0.8]])
    assert chapter._clip(inside) == (inside, False)
    shown, left = chapter._clip(np.array([[-3.0, 4.0], [np.nan, np.nan]]))  # a path that reached nan ends before
    assert not left
    np.testing.assert_array_equal(shown, [[-3.0, 4.0]])


def test_a_descent_that_changes_init_x_still_draws_its_true_path(descent_in_worker):
    """Each step gets its own copy of the point, so a function that updates init_x in place cannot bend the path."""
    mutant = descent_in_worker(descent=ROOT / "tests" / "mutants" / "descent__mutates_init_x.py")
    np.testing.assert_allclose(
        chapter.descent_trace(mutant, 0.1).points,
        chapter.descent_trace(REFERENCE.module("descent").gradient_descent, 0.1).points,
        rtol=1e-9,
        atol=1e-12,
    )


def test_a_descent_that_ignores_step_num_is_flagged(descent_in_worker):
    """Single steps of a function that always takes 100 end elsewhere than one run of 100: the legend says so."""
    mutant = descent_in_worker(descent=ROOT / "tests" / "mutants" / "descent__ignores_step_num.py")
    trace = chapter.descent_trace(mutant, 0.1)
    assert not trace.agrees
    labels = [t.get_text() for t in chapter.draw_descent([trace]).axes[0].get_legend().get_texts()]
    assert "lr = 0.1 (converged, ignores step_num?)" in labels


def test_a_descent_that_returns_a_history_is_named(descent_in_worker):
    mutant = descent_in_worker(descent=ROOT / "tests" / "mutants" / "descent__returns_history.py")
    with pytest.raises(GradingError, match=r"step_num=1\) returned a value of type tuple with 2 items, not an array"):
        chapter.descent_trace(mutant, 0.1)


def test_the_training_curve_of_the_reference_run_in_the_worker_matches_the_reference_here(submission):
    """The worker seeds np.random before each call; so does the reference's side: the same code, the same curve."""
    session = Session(submission().resolve(), COURSE.limits, COURSE.seed, probes=install_course_code(COURSE))
    try:
        networks = session.module("networks", {}, "networks")
        student = chapter.training_losses(networks.TwoLayerNet, networks.train)
    finally:
        session.finish()
    reference = _Seeded(REFERENCE.module("networks"))
    here = chapter.training_losses(reference.TwoLayerNet, reference.train)
    assert len(student) == chapter.TRAINING["iters_num"]
    assert student == here
    assert student[-1] < 0.2 * student[0]


@pytest.mark.parametrize("picture", ["descent", "training"])
def test_grade_plot_saves_a_png_and_prints_its_path(tmp_path: Path, picture: str):
    out = tmp_path / "pictures" / f"{picture}.png"
    out.parent.mkdir()
    run = grade("plot", picture, str(ROOT / "solutions"), "-o", str(out), cwd=ROOT)
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == str(out)
    width, height = png_size(out)
    assert width > 700 and height > 400


def test_grade_plot_default_name_and_learning_rates(tmp_path: Path):
    run = grade("plot", "descent", str(ROOT / "exercises"), "--course", str(ROOT), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.strip() == (
        "grade: error: cannot draw your code: gradient_descent is not written yet (it raises NotImplementedError)"
    )
    run = grade("plot", "descent", str(ROOT / "solutions"), "--course", str(ROOT), "--lr", "0.3", cwd=tmp_path)
    assert (run.code, run.stdout.strip()) == (0, "descent.png")
    png_size(tmp_path / "descent.png")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["training", "--lr", "3"], "--lr is for pictures that take learning rates, not training"),
        (["descent", "--lr", "nan"], "--lr nan: a learning rate must be a finite number"),
        (["descent", "nowhere"], "nowhere is not a directory of exercise modules"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: list[str], message: str):
    run = grade("plot", *args)
    assert (run.code, run.stderr.strip()) == (2, f"grade: error: {message}")


def test_without_matplotlib_one_line_says_how_to_install_it(tmp_path: Path):
    """A real interpreter in which `import matplotlib` fails, as on an install without the plot extra."""
    code = "import sys; sys.modules['matplotlib'] = None; from grader.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "plot", "descent", str(ROOT / "solutions"), "--course", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == 'grade: error: pictures need matplotlib: pip install "dlfs-ch4-grader[plot]"'
    assert not (tmp_path / "descent.png").exists()


def test_grade_check_never_imports_matplotlib():
    """Python's own import log of a whole `grade check` run names no matplotlib module."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "grader", "check", "solutions", "-e", "descent"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "grader.grading.runner" in imported  # the check ran, and importtime saw its imports
    assert not [name for name in imported if name.split(".")[0] == "matplotlib"]


def test_a_picture_cell_runs_the_notebooks_code_in_the_worker_with_its_limits(tmp_path: Path, monkeypatch, capsys):
    """A descent that never returns costs the picture cell one call's time limit, and prints one line; under
    nbgrader's autograde the cell runs no student code at all."""
    from grader.publishing.notebooks import PICTURE_CODE

    course = tmp_path / "course"
    for name in ("course", "tests/public", "tests/hidden", "solutions"):
        shutil.copytree(ROOT / name, course / name)
    limits = (ROOT / "course.yaml").read_text().replace("call_seconds: 10", "call_seconds: 1")
    (course / "course.yaml").write_text(limits)
    marker = tmp_path / "ran"
    looping = f"def gradient_descent(f, init_x, lr=0.01, step_num=100):\n    open({str(marker)!r}, 'w').close()\n"
    looping += "    while True:\n        pass\n"
    folder = tmp_path / "notebooks"
    folder.mkdir()
    cell = {"cell_type": "code", "metadata": {"nbgrader": {"solution": True}}, "source": looping, "outputs": []}
    (folder / "04_descent.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}))
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GRADE_COURSE", str(course))
    monkeypatch.setenv("GRADE_ISOLATION", "process")  # so that the marker file can be written
    monkeypatch.setenv("GRADE_LANG", "en")
    exec(PICTURE_CODE.format(name="descent"), {})
    assert marker.exists()
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and printed.startswith("grade: error: cannot draw your code:")
    assert "did not finish within 1 s" in printed
    marker.unlink()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    exec(PICTURE_CODE.format(name="descent"), {})
    assert capsys.readouterr().out == "" and not marker.exists()


def test_the_published_notebooks_show_the_pictures_in_a_kernel(tmp_path: Path, monkeypatch):
    """The descent and networks notebooks (here their sources, which hold the reference code) have a locked cell
    that draws the notebook's own functions: run in a real kernel, it displays a PNG and raises nothing."""
    import nbformat
    from nbclient import NotebookClient

    from grader.publishing.notebooks import Tests, source_notebook

    for exercise in COURSE.exercises:
        nbformat.write(source_notebook(COURSE, exercise, Tests([], [], [])), tmp_path / f"{exercise.id}.ipynb")
    monkeypatch.setenv("GRADE_COURSE", str(ROOT))
    for exercise in ("descent", "networks"):
        notebook = nbformat.read(tmp_path / f"{exercise}.ipynb", as_version=4)
        NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
        pictures = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "picture"]
        assert len(pictures) == 1, exercise
        outputs = pictures[0].outputs
        assert [o.output_type for o in outputs] == ["display_data"], (exercise, outputs)
        assert set(outputs[0].data) >= {"image/png"}


def _training_xlabel(lang: str) -> str:
    from grader.core import i18n

    i18n.use(lang)
    try:
        return chapter.draw_training([1.0, 0.5]).axes[0].get_xlabel()
    finally:
        i18n.use("en")


def test_a_german_picture_is_labelled_in_german():
    assert _training_xlabel("de") == "Trainingsschritt" != _training_xlabel("en")


def test_without_a_japanese_font_a_japanese_picture_is_drawn_in_english():
    """Japanese text in a font without Japanese glyphs would show as empty boxes."""
    from matplotlib import font_manager

    if {font.name for font in font_manager.fontManager.ttflist} & set(plotting.JAPANESE_FONTS):
        pytest.skip("this machine has a Japanese font")
    assert _training_xlabel("ja") == "training step"


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the stand-in has no Japanese glyphs
def test_with_a_japanese_font_every_label_is_drawn_in_it_when_the_png_is_saved(monkeypatch, tmp_path: Path):
    """The font must still be in force at savefig, not only while the figure was built. DejaVu Serif, which
    matplotlib ships, stands in for a Japanese font: it is found on every machine."""
    from grader.core import i18n

    monkeypatch.setattr(plotting, "JAPANESE_FONTS", ("DejaVu Serif",))
    i18n.use("ja")
    try:
        figure = chapter.draw_training([1.0, 0.5])
    finally:
        i18n.use("en")
    figure.savefig(tmp_path / "training.png")
    axes = figure.axes[0]
    assert axes.get_xlabel() != "training step"  # drawn in Japanese
    for text in (axes.xaxis.label, axes.title, *axes.get_legend().get_texts()):
        assert text.get_fontname() == "DejaVu Serif", text.get_text()
