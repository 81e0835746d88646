"""German and Japanese: every message babel extracts is translated (the grader's in grader/core/locale, what the
course's suites and modules say in the course's own `suites` catalogs), and `grade check` speaks the chosen
language (--lang, else the locale) while the JSON report keeps its keys and statuses in English."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from grader.authoring.validate import load_mutants, mutated_copy
from grader.model.course import load_course
from grader.publishing.course_messages import catalog_path, suite_message_ids

from conftest import ROOT, Run, grade

CATALOG = ROOT / "grader" / "core" / "locale" / "{lang}" / "LC_MESSAGES" / "grader.po"
DOMAINS = ("grader", "suites")
PLURAL_FORMS = {"de": "nplurals=2; plural=(n != 1);", "ja": "nplurals=1; plural=0;"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ENGLISH_ONLY = {"{article}"}  # "a" or "an": English grammar, which a translation words its own way
# What a translation must keep verbatim: `code`, names_with_underscores and exception names (the text report
# tells "not started" by the NotImplementedError in every message).
CODE = re.compile(r"`[^`]+`|\b\w*_\w*\b|\b\w+Error\b")
LOCALE_VARIABLES = ("GRADE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, polib.POFile]:
    """By domain, the message ids: the grader's as babel extracts them with babel.cfg, as a developer runs it;
    the suites' as `python -m grader.publishing.course_messages` finds them."""
    pot = tmp_path_factory.mktemp("pot") / "grader.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "--quiet", "extract", "-F", "babel.cfg", "-o", str(pot), "."], cwd=ROOT, check=True, timeout=60
    )
    suites = polib.POFile()
    for message in suite_message_ids(load_course(ROOT, "en")):
        plural = isinstance(message, tuple)
        entry = polib.POEntry(msgid=message[0], msgid_plural=message[1]) if plural else polib.POEntry(msgid=message)
        suites.append(entry)
    return {"grader": polib.pofile(str(pot)), "suites": suites}


def test_the_suites_test_descriptions_are_extracted(templates):
    grader, suites = ({entry.msgid for entry in templates[d]} for d in DOMAINS)
    assert "The derivative of x³ at 1 is 3 (to 1e-6: the central difference)." in suites  # a docstring's first line
    assert "{what}: expected shape {want}, got {got}" in grader  # a _() of grader/testing/checks.py
    assert "… {n} more line" in grader  # an ngettext
    assert "lr = {lrs} leaves the view" in suites  # an ngettext of the course's pictures
    assert len(grader & suites) <= 1, grader & suites  # "a list": a phrase both happen to say, nothing more


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", ["de", "ja"])
def test_every_extracted_message_is_translated(templates, lang, domain):
    path = CATALOG.parent / "grader.po" if domain == "grader" else catalog_path(load_course(ROOT), lang, domain)
    catalog = polib.pofile(str(path).format(lang=lang))
    template = templates[domain]
    assert catalog.metadata.get("Plural-Forms") == PLURAL_FORMS[lang]
    translated = {(e.msgid, e.msgid_plural): e for e in catalog.translated_entries()}
    missing, broken = [], []
    for entry in template:
        found = translated.get((entry.msgid, entry.msgid_plural))
        if found is None:
            missing.append(entry.msgid)
            continue
        english = entry.msgid_plural or entry.msgid
        forms = [found.msgstr_plural[i] for i in sorted(found.msgstr_plural)] if entry.msgid_plural else [found.msgstr]
        nplurals = int(PLURAL_FORMS[lang][len("nplurals=")])
        if len(forms) != (nplurals if entry.msgid_plural else 1) or not all(forms):
            broken.append(f"{entry.msgid!r}: {len(forms)} forms, {nplurals} wanted")
        wanted = set(PLACEHOLDER.findall(english)) - ENGLISH_ONLY
        for form in forms:
            lost = [t for t in (*wanted, *CODE.findall(english)) if t not in form]
            added = set(PLACEHOLDER.findall(form)) - wanted
            if lost or added:
                broken.append(f"{entry.msgid!r} -> {form!r}: lost {lost}, added {sorted(added)}")
    assert not missing, f"untranslated in {path} (add msgid/msgstr entries):\n" + "\n".join(missing)
    assert not broken, f"translations in {path} that lose a placeholder or code:\n" + "\n".join(broken)


@pytest.fixture(scope="module")
def forward_difference(tmp_path_factory) -> Path:
    """The reference solutions with the gradient computed by a forward difference (a mutant of tests/mutants)."""
    course = load_course(ROOT)
    mutant = next(m for m in load_mutants(course) if m.path.stem == "gradient__forward_difference")
    return mutated_copy(course, mutant, tmp_path_factory.mktemp("mutant") / "submission")


def check(submission: Path, *args: str, **locale: str) -> Run:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES} | locale
    return grade("check", str(submission), "-e", "gradient", *args, env=env)


ENGLISH = "is the forward difference (f(x+h) − f(x)) / h; use the central difference"
GERMAN = "ist die Vorwärtsdifferenz (f(x+h) − f(x)) / h; verwenden Sie die zentrale Differenz"
JAPANESE = "は前方差分 (f(x+h) − f(x)) / h になっています。中心差分 (f(x+h) − f(x−h)) / (2h) を使ってください"


@pytest.mark.parametrize(
    ("args", "locale", "sentence", "total"),
    [
        (["--lang", "de"], {"LANG": "ja_JP.UTF-8"}, GERMAN, "Gesamt: 7 / 20 Punkte"),
        ([], {"LANG": "ja_JP.UTF-8"}, JAPANESE, "合計: 7 / 20 点"),
        ([], {"LANG": "fr_FR.UTF-8"}, ENGLISH, "Total: 7 / 20 points"),
    ],
    ids=["--lang de beats the locale", "LANG=ja_JP", "LANG=fr_FR has no catalog: English"],
)
def test_check_names_the_mistake_in_the_chosen_language(forward_difference, args, locale, sentence, total):
    run = check(forward_difference, *args, **locale)
    assert run.code == 1, run.stderr
    failing = [line for line in run.stdout.splitlines() if "test_central_difference_on_a_cube:" in line]
    assert len(failing) == 1 and sentence in failing[0], run.stdout
    assert total in run.stdout
    for other in {ENGLISH, GERMAN, JAPANESE} - {sentence}:
        assert other not in run.stdout


def test_json_report_keeps_keys_and_statuses_in_english(forward_difference):
    english = check(forward_difference, "--format", "json", "--lang", "en").json()
    japanese = check(forward_difference, "--format", "json", LANG="ja_JP.UTF-8").json()

    def shape(value):
        """The report without its texts: keys, statuses, visibilities, scores."""
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k not in ("message", "description", "title", "duration")}
        return [shape(v) for v in value] if isinstance(value, list) else value

    assert shape(japanese) == shape(english)
    tests = {t["name"]: t for t in japanese["exercises"][0]["tests"]}
    cube = tests["test_central_difference_on_a_cube"]
    assert cube["status"] == "failed" and cube["visibility"] == "public"
    assert JAPANESE in cube["message"]
    assert cube["description"] == "Σx³ の勾配は 3x² です（1e-6 の精度: 中心差分。前方差分では約 3x·h ずれます）。"
    assert english["exercises"][0]["tests"][2]["description"].startswith("Σx³ has the gradient 3x²")


def test_an_error_line_in_german(tmp_path):
    missing = tmp_path / "nowhere"
    run = check(missing, "--lang", "de")
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == f"grade: Fehler: {missing} existiert nicht\n"
