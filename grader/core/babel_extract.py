"""Babel extraction for the suites: their _() messages, and the first docstring line of every test function,
which reports show as the test's description (translated by grader.grading.plugin at run time)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO, Any


def extract_suite(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    """What babel's Python extractor finds, plus (line, None, description, []) for each test's docstring."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            line = description(node)
            if line:
                yield node.body[0].lineno, None, line, ["description of the test " + node.name]


def description(function: ast.FunctionDef) -> str:
    """The first line of a function's docstring, as the grading plugin reads it."""
    doc = (ast.get_docstring(function, clean=False) or "").strip().splitlines()
    return doc[0] if doc else ""
