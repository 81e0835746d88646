"""grade release: the student's repository holds nothing secret, installs on a fresh venv the way its README
says, and grades there: zero for the stubs, full public marks for the reference solutions."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
import yaml

from conftest import ROOT, grade

COURSE = yaml.safe_load((ROOT / "course.yaml").read_text())
HIDDEN_TESTS = sum(e.get("hidden_tests", 0) for e in COURSE["exercises"])
MIN_LINE = 20  # shorter lines (`expect_array(`, `raise TypeError(`) are idioms, not secrets


def released(tmp_path: Path) -> Path:
    out = tmp_path / "student-repo"
    run = grade("release", "--out", str(out))
    assert run.code == 0, run.stderr
    return out


def public_text() -> str:
    """What students get by design: the stubs (whose docstrings state the task), the public suites and the
    hints of course.yaml. A secret line found in DIR must not be one of these."""
    files = [*(ROOT / "exercises").glob("*.py"), *(ROOT / "tests" / "public").glob("*.py"), ROOT / "course.yaml"]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def secret_lines() -> list[str]:
    """Every non-trivial line of the solutions' code between the solution markers and of the hidden suites that
    is not already public."""
    lines = []
    for solution in sorted((ROOT / "solutions").glob("*.py")):
        inside = False
        for line in solution.read_text(encoding="utf-8").splitlines():
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside:
                lines.append(line.strip())
    for suite in sorted((ROOT / "tests" / "hidden").glob("*.py")):
        lines += [line.strip() for line in suite.read_text(encoding="utf-8").splitlines()]
    public = public_text()
    return sorted(
        {s for s in lines if len(s) >= MIN_LINE and not s.startswith(("#", "import ", "from ")) and s not in public}
    )


def test_the_release_holds_no_line_of_the_solutions_or_the_hidden_suites(tmp_path):
    out = released(tmp_path)
    secrets = secret_lines()
    assert len(secrets) > 300  # the check below has something to find
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()}
    leaks = [(line, str(p.relative_to(out))) for line in secrets for p, text in texts.items() if line in text]
    assert leaks == []
    names = {p.relative_to(out).as_posix() for p in texts}
    assert not [n for n in names if n.startswith(("solutions/", "tests/hidden/", "tests/mutants/"))]
    assert {f"tests/public/test_{e['id']}.py" for e in COURSE["exercises"]} <= names
    assert {f"exercises/{e['module']}.py" for e in COURSE["exercises"]} <= names
    assert {"README.md", "pyproject.toml", "grader/cli.py", ".github/workflows/grade.yml"} <= names
    student_course = yaml.safe_load((out / "course.yaml").read_text())
    assert "layout" not in student_course or "solutions" not in student_course["layout"]
    for exercise, original in zip(student_course["exercises"], COURSE["exercises"], strict=True):
        assert "hidden" not in exercise
        assert exercise["hidden_tests"] == original["hidden_tests"]


def test_the_secret_line_check_would_catch_a_copied_solution(tmp_path):
    """The leak check above is not vacuous: one solution file dropped into a release is found."""
    out = released(tmp_path)
    shutil.copy(ROOT / "solutions" / "gradient.py", out / "exercises" / "gradient.py")
    text = (out / "exercises" / "gradient.py").read_text()
    assert [line for line in secret_lines() if line in text]


def readme_commands(readme: Path) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", readme.read_text(encoding="utf-8"), flags=re.S)


def test_a_fresh_venv_set_up_as_the_readme_says_grades_the_release(tmp_path):
    out = released(tmp_path)
    setup, check = readme_commands(out / "README.md")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "GRADE_SEED")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    done = subprocess.run(["bash", "-c", setup], cwd=out, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    # The venv runs the release's own copy of the grader, not this repository's.
    where = subprocess.run(
        [str(out / ".venv" / "bin" / "python"), "-c", "import grader; print(grader.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert where.stdout.strip() == str(out / "grader" / "__init__.py")

    def check_release() -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", check], cwd=out, env=env, capture_output=True, text=True, timeout=300)

    stubs = check_release()
    assert stubs.returncode == 1, stubs.stderr
    assert re.search(
        rf"Total: 0 / [\d.]+ points\s+\(\+ {HIDDEN_TESTS} hidden tests worth [\d.]+ points run at grading\)",
        stubs.stdout,
    )

    for module in (ROOT / "solutions").glob("*.py"):
        shutil.copy(module, out / "exercises" / module.name)
    solved = check_release()
    assert solved.returncode == 0, solved.stdout[-2000:]
    report = subprocess.run(
        [str(out / ".venv" / "bin" / "grade"), "check", "--format", "json"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
    )
    data = json.loads(report.stdout)
    assert data["score"] == pytest.approx(data["max_score"]) and data["score"] > 0
    assert data["pending"]["tests"] == HIDDEN_TESTS
    assert data["score"] + data["pending"]["points"] == pytest.approx(sum(e["points"] for e in COURSE["exercises"]))
    assert {t["visibility"] for e in data["exercises"] for t in e["tests"]} == {"public"}


def test_a_non_empty_directory_that_is_no_release_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own work")
    run = grade("release", "--out", str(out))
    assert run.code == 2
    assert run.stderr.strip().count("\n") == 0
    assert "is not empty and holds no earlier release" in run.stderr and str(out) in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_release_again_replaces_its_own_files_and_keeps_the_rest(tmp_path):
    out = released(tmp_path)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    marker = out / ".grade-release.json"
    record = json.loads(marker.read_text())
    record["files"].append("exercises/retired.py")
    marker.write_text(json.dumps(record))
    (out / "exercises" / "retired.py").write_text("# an exercise the course no longer has\n")
    (out / "exercises" / "losses.py").write_text("# edited\n")
    run = grade("release", "--out", str(out))
    assert run.code == 0, run.stderr
    assert not (out / "exercises" / "retired.py").exists()
    assert (out / "exercises" / "losses.py").read_text() == (ROOT / "exercises" / "losses.py").read_text()
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_the_student_workflow_runs_grade_check_and_writes_the_summary(tmp_path):
    workflow = yaml.safe_load((released(tmp_path) / ".github" / "workflows" / "grade.yml").read_text())
    assert "push" in workflow[True]  # YAML 1.1 reads the key `on` as True
    assert workflow["jobs"]["check"]["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert "pip install -q -e ." in script
    assert re.search(r"grade check --format markdown --output (\S+).*cat \1 >> \"\$GITHUB_STEP_SUMMARY\"", script, re.S)
    assert 'exit "$status"' in script


def test_translations_of_what_only_a_hidden_suite_says_stay_behind():
    from grader.publishing.packaging import without_messages

    catalog = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "an int array was truncated"\nmsgstr "abgeschnitten"\n\n'
        'msgid "expected {want}"\nmsgstr "erwartet {want}"\n'
    )
    kept = without_messages(catalog.encode(), frozenset({"an int array was truncated"})).decode()
    assert "truncated" not in kept and "abgeschnitten" not in kept
    assert 'msgid "expected {want}"' in kept and 'msgstr "erwartet {want}"' in kept
    assert without_messages(catalog.encode(), frozenset({"not in it"})) == catalog.encode()


def hidden_only_descriptions() -> set[str]:
    """The descriptions (first docstring lines) of the hidden tests that no public file says."""
    from grader.core.babel_extract import description

    hidden = {
        description(node)
        for path in (ROOT / "tests" / "hidden").glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    public = "\n".join(p.read_text() for p in (ROOT / "tests" / "public").glob("*.py"))
    return {line for line in hidden if line and line not in public}


def test_the_course_catalogs_released_translate_nothing_only_a_hidden_suite_says(tmp_path):
    """The course's `suites` catalogs ship with the public suites: a hidden test's description, translated, would
    tell what the hidden suite checks."""
    secret = hidden_only_descriptions()
    catalog = "course/locale/de/LC_MESSAGES/suites.po"
    instructors = {e.msgid for e in polib.pofile(str(ROOT / catalog))}
    assert secret and secret <= instructors
    released_ids = {e.msgid for e in polib.pofile(str(released(tmp_path) / catalog))}
    assert not secret & released_ids
    assert "A 2-D batch holding one row gives the loss of that row given as 1-D." in instructors


def course_copy(tmp_path: Path) -> Path:
    """A copy of this course to change: course.yaml, the suites, the solutions and the stubs."""
    copy = tmp_path / "course"
    copy.mkdir()
    shutil.copy(ROOT / "course.yaml", copy)
    for name in ("course", "tests/public", "tests/hidden", "solutions", "exercises"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_release_is_made_from_the_solutions_not_from_the_working_exercises(tmp_path):
    """An instructor who tried the solutions in exercises/ must not ship them."""
    course = course_copy(tmp_path)
    shutil.copy(ROOT / "solutions" / "gradient.py", course / "exercises" / "gradient.py")
    (course / "exercises" / "scratch.py").write_text("# my notes\n")
    out = tmp_path / "release"
    run = grade("release", "--out", str(out), "--course", str(course))
    assert run.code == 0, run.stderr
    assert (out / "exercises" / "gradient.py").read_text() == (ROOT / "exercises" / "gradient.py").read_text()
    assert sorted(p.name for p in (out / "exercises").iterdir()) == sorted(
        f"{e['module']}.py" for e in COURSE["exercises"]
    )
    text = (out / "exercises" / "gradient.py").read_text()
    assert not [line for line in secret_lines() if line in text]


def test_the_student_readme_covers_every_student_command_and_the_plot_extra_installs(tmp_path):
    import tomllib

    out = released(tmp_path)
    readme = (out / "README.md").read_text()
    for command in ("grade check", "grade check -e", "grade list", "grade hint", "grade watch", "grade plot"):
        assert f"`{command}" in readme, command
    assert "--lang" in readme and '.[plot]"' in readme
    extras = tomllib.loads((out / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [r.split(">=")[0] for r in extras["plot"]] == ["matplotlib"]
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q"], cwd=out, check=True)
    ignored = subprocess.run(
        ["git", "check-ignore", "descent.png", "training.png"], cwd=out, capture_output=True, text=True
    )
    assert ignored.stdout.split() == ["descent.png", "training.png"]
