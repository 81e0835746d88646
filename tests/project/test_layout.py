"""The tree says the architecture: grader/ is a few packages, each with a docstring, and it knows no course."""

from __future__ import annotations

import ast
import re

import yaml

from conftest import ROOT

ENGINE = ROOT / "grader"
HOOKS = {"shortcut"}  # what the engine calls in a course's probes module (grader.sandboxed.probes)


def chapter_names() -> set[str]:
    """This course's function names: its exercises' functions, and the functions of its own modules."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    names = {name for exercise in data["exercises"] for name in exercise["functions"]}
    for module in (data["probes"], data["pictures"], *data["helpers"]):
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    return names - HOOKS


def test_the_engine_names_no_function_of_the_course():
    """Not in code, docstrings, help texts, templates or the grader's catalogs (what the suites say is in the
    course's own catalogs)."""
    names = chapter_names()
    assert {"numerical_gradient", "TwoLayerNet", "sphere", "blobs", "draw_descent", "cee_mistakes"} <= names
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(ENGINE.rglob("*"))
        if path.suffix in (".py", ".tmpl", ".md", ".yml", ".po")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


def test_every_package_says_what_it_is_for():
    packages = sorted(p.parent for p in ENGINE.rglob("__init__.py") if "__pycache__" not in p.parts)
    assert len(packages) >= 10
    for package in packages:
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and len(docstring.split()) >= 12, f"{package.relative_to(ROOT)} has no docstring"
