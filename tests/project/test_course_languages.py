"""The course in German and Japanese: every text of the course is translated, and the CLI shows the
translations (hints, titles in `grade check`, notebooks of `grade publish --lang de`) while code stays as is."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import polib
import pytest
import yaml

from grader.authoring.markers import make_stub
from grader.core import i18n
from grader.intake.submissions import notebook_name
from grader.model.course import load_course
from grader.publishing.course_messages import catalog_path, message_ids, untranslated, update_catalog
from grader.publishing.notebooks import PHRASES, source_notebook, task_blocks
from grader.publishing.publish import exercise_tests

from conftest import ROOT, grade

ASSIGNMENT = "chapter4"
# What must come through a translation unchanged: code spans, snake_case names, numpy calls, numbers like 1e-7.
CODE = re.compile(r"`[^`]+`|\b[A-Za-z]\w*_\w*\b|\bnp\.\w+|\b\d+e-\d+\b")


@pytest.fixture(scope="module")
def english():
    return load_course(ROOT, "en")


@pytest.fixture(scope="module")
def ids(english) -> list[str]:
    return message_ids(english)


@pytest.mark.parametrize("lang", ["de", "ja"])
def test_the_catalog_translates_every_course_text(lang, english, ids):
    missing = untranslated(catalog_path(english, lang), ids)
    listed = "\n".join(f"  {message!r}" for message in missing)
    assert not missing, f"{catalog_path(english, lang)} leaves {len(missing)} course texts untranslated:\n{listed}"


@pytest.mark.parametrize("lang", ["de", "ja"])
def test_translations_keep_code_and_formulas_as_they_are(lang, english, ids):
    catalog = {e.msgid: e.msgstr for e in polib.pofile(str(catalog_path(english, lang)))}
    changed = {m: [c for c in CODE.findall(m) if c not in catalog[m]] for m in ids}
    assert not {m: c for m, c in changed.items() if c}


def test_message_ids_are_the_courses_english_texts_without_examples(english, ids):
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    for item in data["exercises"]:
        hints = {hint if isinstance(hint, str) else hint["hint"] for hint in item["hints"]}
        assert {item["title"], *hints} <= set(ids)
    assert data["title"] in ids and set(PHRASES) <= set(ids)
    assert "With the derivative you can also draw the tangent line of a curve at a point (4.3.2)." in ids
    assert not [m for m in ids if ">>>" in m]  # doctest examples are code, not text to translate
    assert len(ids) == len(set(ids))


def test_a_docstring_splits_into_paragraphs_and_examples():
    docstring = "Title.\n\nFirst line\nsecond line.\nNo blank line before it:\n>>> f(1)\n2\n\n>>> g()\n\nEnd."
    assert task_blocks(docstring) == [
        ("Title.", False),
        ("First line\nsecond line.\nNo blank line before it:", False),
        (">>> f(1)\n2", True),
        (">>> g()", True),
        ("End.", False),
    ]


def test_empty_or_fuzzy_entries_count_as_untranslated_and_an_update_adds_new_ids(tmp_path):
    path = tmp_path / "course.po"
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="kept", msgstr="behalten"))
    catalog.append(polib.POEntry(msgid="guessed", msgstr="geraten", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="empty", msgstr=""))
    catalog.append(polib.POEntry(msgid="gone", msgstr="weg"))
    catalog.save(str(path))
    assert untranslated(path, ["kept", "guessed", "empty", "new"]) == ["guessed", "empty", "new"]
    update_catalog(path, ["kept", "empty", "new"])
    updated = polib.pofile(str(path))
    assert updated.find("kept").msgstr == "behalten"
    assert [e.msgid for e in updated.untranslated_entries()] == ["empty", "new"]
    assert sorted(e.msgid for e in updated.obsolete_entries()) == ["gone", "guessed"]


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """The course's course.yaml and the suites it names, so that `grade hint` keeps its state out of the project."""
    shutil.copy(ROOT / "course.yaml", tmp_path / "course.yaml")
    shutil.copytree(ROOT / "course", tmp_path / "course")
    for suites in ("public", "hidden"):
        shutil.copytree(ROOT / "tests" / suites, tmp_path / "tests" / suites)
    return tmp_path


def test_grade_hint_speaks_german_with_lang_de(course_copy):
    run = grade("hint", "losses", "--lang", "de", "--course", str(course_copy))
    assert run.code == 0, run.stderr
    assert "Summe der quadrierten Fehler: 0.5 * np.sum((y - t) ** 2) über alle Elemente" in run.stdout
    assert "over all elements" not in run.stdout


def test_grade_hint_speaks_japanese_in_a_japanese_locale(course_copy):
    locale = {k: v for k, v in os.environ.items() if k not in ("GRADE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    run = grade("hint", "losses", "--all", "--course", str(course_copy), env={**locale, "LANG": "ja_JP.UTF-8"})
    assert run.code == 0, run.stderr
    assert "2乗和誤差：すべての要素について 0.5 * np.sum((y - t) ** 2) を計算します。" in run.stdout
    assert "合計した損失をバッチサイズで割ります。" in run.stdout  # the last of the five hints
    assert "Sum of squared errors" not in run.stdout


def test_grade_check_in_japanese_shows_japanese_titles():
    run = grade("check", "solutions", "--lang", "ja", "-e", "losses", "-e", "activations")
    assert run.code == 0, run.stderr
    assert "ゼロから作るDeep Learning 第4章" in run.stdout
    assert "損失関数" in run.stdout and "シグモイド関数とソフトマックス関数" in run.stdout
    assert "Loss functions" not in run.stdout


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    """The release of `grade publish --lang de` (the real nbgrader)."""
    out = tmp_path_factory.mktemp("publish") / "de"
    run = grade("publish", "--out", str(out), "--lang", "de", timeout=300)
    assert run.code == 0, run.stderr
    return out / "release" / ASSIGNMENT


def _cells(notebook: Path, kind: str) -> list:
    return [cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == kind]


def test_published_notebooks_speak_german(german, english, ids):
    markdown = "\n".join(c.source for p in sorted(german.glob("*.ipynb")) for c in _cells(p, "markdown"))
    hints_and_title = {english.title, *(h for e in english.exercises for h in e.hints)}
    shown = [m for m in ids if m not in hints_and_title]
    assert not [m for m in shown if i18n.course_text(m, "de") not in markdown]
    assert not [m for m in shown if m != i18n.course_text(m, "de") and m in markdown]
    assert "# Verlustfunktionen\n\nVerlustfunktionen (Deep Learning from Scratch, Abschnitt 4.2)." in markdown


def test_german_release_has_no_solution_code_and_no_hidden_test(german, english):
    tests = exercise_tests(english)
    for exercise in english.exercises:
        notebook = german / notebook_name(english, exercise)
        stub = make_stub((english.solutions_dir / f"{exercise.module}.py").read_text(encoding="utf-8"), "stub")
        code = _cells(notebook, "code")
        answers = [c.source for c in code if c.metadata["nbgrader"]["solution"]]
        assert len(answers) == len(exercise.functions)
        stubbed = [re.sub(r"^\s*# YOUR CODE HERE\n", "", a, flags=re.M) + "\n" for a in answers]  # nbgrader's line
        assert all(a.replace("NotImplementedError()", "NotImplementedError") in stub for a in stubbed)
        text = "\n".join(c.source for c in code)
        assert "HIDDEN TESTS" not in text
        assert not [name for name in tests[exercise.id].hidden if f'"{name}"' in text]
        assert sum("# A hidden test" in c.source for c in code) == len(tests[exercise.id].hidden)


def test_german_code_cells_are_the_english_releases(german, english):
    """The English release's code cells: the English source notebooks through nbgrader's own clearing steps."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    i18n.use("en")
    tests = exercise_tests(english)
    for exercise in english.exercises:
        notebook = source_notebook(english, exercise, tests[exercise.id])
        for step in (ClearSolutions(), ClearHiddenTests()):
            notebook, _ = step.preprocess(notebook, {})
        want = [(c.source, c.metadata["nbgrader"].get("points")) for c in notebook.cells if c.cell_type == "code"]
        got = _cells(german / notebook_name(english, exercise), "code")
        assert [(c.source, c.metadata["nbgrader"].get("points")) for c in got] == want, exercise.id
