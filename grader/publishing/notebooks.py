"""The nbgrader source notebook of an exercise, made from its solution module (instructors; needs nbformat).

A module's docstring becomes the task text, its imports a locked cell, each top-level function or class a
Markdown cell with its docstring and an answer cell with its code between the module's own `### BEGIN
SOLUTION` / `### END SOLUTION` markers, which nbgrader's generate_assignment turns into stubs. Then come the
test cells, one per test of the exercise's suites, each calling the same suites that `grade check` runs.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.authoring.markers import BEGIN, END
from grader.core.errors import GradingError
from grader.core.i18n import _, course_text
from grader.core.terminal import shown
from grader.grading.course_code import course_pictures
from grader.intake.submissions import IMPORTS_CELL, NOTEBOOK_SUFFIX, exercise_of
from grader.model.course import Course, Exercise

if TYPE_CHECKING:
    from nbformat import NotebookNode

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SETUP_CELL = "setup"
SETUP_CODE = "from grader.publishing.notebook import check, import_notebooks\n\nimport_notebooks()"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# A locked cell after the answers that draws the student's own code, run in the worker (publishing.notebook.show).
PICTURE_CODE = "from grader.publishing.notebook import show\n\nshow({name!r})"


# The fixed Markdown of every notebook, message ids of the `course` gettext domain like the task texts.
HOW_TO = (
    "Write your code in the answer cells, in place of `raise NotImplementedError()`, then run the test cells at "
    "the end. They grade the **saved** notebook, so save it (Ctrl+S) first. Only the answer cells are graded: "
    "keep helper functions inside them, not in cells of your own."
)
TESTS_HEADING = "Tests"
TESTS_TEXT = (
    "Each cell runs one test of `grade check` and is worth its share of the exercise's points. A failing test "
    "says what is wrong. A hidden test shows only its comment here: it runs when your notebook is graded."
)
PHRASES = (HOW_TO, TESTS_HEADING, TESTS_TEXT)
# Code cells are the same in every language (the same grading), so their comments stay English.
SETUP_COMMENT = "# Set-up (locked): `check` runs a test; importing an exercise's module reads your notebook of it."
HIDDEN_COMMENT = "# A hidden test: it runs when your notebook is graded."


@dataclass(frozen=True)
class Tests:
    """The tests of one exercise, by name, and the points each is worth (public, then hidden)."""

    public: list[str]
    hidden: list[str]
    points: list[float]


def source_notebook(course: Course, exercise: Exercise, tests: Tests) -> NotebookNode:
    """The nbgrader source notebook of EXERCISE: its Markdown in the run's language (the course's titles are
    translated when it is loaded), its code cells the same in every language."""
    import nbformat.v4 as v4

    path = course.solutions_dir / f"{exercise.module}.py"
    docstring, imports, definitions = split_module(path)
    cells = [
        v4.new_markdown_cell(f"# {exercise.title}\n\n{_markdown(docstring)}\n\n> {course_text(HOW_TO)}"),
        _code(v4, f"{SETUP_COMMENT}\n{SETUP_CODE}", SETUP_CELL),
        _code(v4, imports, IMPORTS_CELL),
    ]
    for definition in definitions:
        cells.append(v4.new_markdown_cell(f"## `{definition.heading}`\n\n{_markdown(definition.docstring)}"))
        cells.append(_code(v4, definition.code, definition.name, solution=True))
    pictures = [name for name, picture in course_pictures(course).items() if picture.exercise == exercise.id]
    for index, name in enumerate(pictures):
        code = PICTURE_CODE.format(name=name)
        cells.append(_code(v4, code, "picture" if index == 0 else f"picture_{name}"))
    cells.append(v4.new_markdown_cell(f"## {course_text(TESTS_HEADING)}\n\n{course_text(TESTS_TEXT)}"))
    public, hidden = tests.points[: len(tests.public)], tests.points[len(tests.public) :]
    for name, points in zip(tests.public, public, strict=True):
        cells.append(_code(v4, _call(exercise, name), _grade_id(name), points=points))
    for number, (name, points) in enumerate(zip(tests.hidden, hidden, strict=True), 1):
        code = f"{HIDDEN_COMMENT}\n{BEGIN_HIDDEN}\n{_call(exercise, name)}\n{END_HIDDEN}"
        cells.append(_code(v4, code, f"hidden_{number}", points=points))
    return v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})


def answer_release(release: Path, target: Path, course: Course, modules: dict[str, str]) -> None:
    """Copy the release folder RELEASE to TARGET and answer its notebooks with MODULES (module name → code):
    what a student does, for tests and benchmarks. A notebook whose module is not in MODULES stays a stub."""
    shutil.copytree(release, target)
    for notebook in sorted(target.glob("*" + NOTEBOOK_SUFFIX)):
        exercise = exercise_of(notebook, course)
        if exercise is not None and exercise.module in modules:
            _fill_answers(notebook, modules[exercise.module])


def _fill_answers(notebook: Path, module: str) -> None:
    """Put MODULE's code into the notebook's answer cells, one top-level definition per cell of its name."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    tree = ast.parse(module)
    lines = module.splitlines()
    code = {n.name: _definition_code(lines, n) for n in tree.body if _is_definition(n)}
    for cell in data["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in code:
            cell["source"] = code[meta["grade_id"]]
    notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _code(v4, source: str, grade_id: str, solution: bool = False, points: float | None = None) -> NotebookNode:
    """A code cell with nbgrader's metadata: an answer (SOLUTION), a test worth POINTS, else locked code."""
    meta = {"grade": points is not None, "solution": solution, "locked": not solution, "grade_id": grade_id}
    if points is not None:
        meta["points"] = int(points) if float(points).is_integer() else points
    return v4.new_code_cell(source, metadata={"nbgrader": {**meta, "schema_version": 3}})


def _grade_id(test: str) -> str:
    """A test's name as nbgrader allows a cell id (letters, digits, _ and -): `test_x[a b]` → `test_x-a_b`."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", test.replace("[", "-").rstrip("]"))


def _call(exercise: Exercise, test: str) -> str:
    """The line of a test cell: check("gradient", "test_network_idiom")."""
    return f"check({json.dumps(exercise.id)}, {json.dumps(test)})"


@dataclass(frozen=True)
class Definition:
    """A top-level function or class of a solution module: its name, docstring and code."""

    name: str
    heading: str
    docstring: str
    code: str


def split_module(path: Path) -> tuple[str, str, list[Definition]]:
    """A solution module's docstring, its imports (all code above the first definition), its definitions."""
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
    except OSError as exc:
        raise GradingError(_("cannot read {path}: {reason}").format(path=shown(path), reason=exc.strerror)) from None
    except SyntaxError as exc:
        raise GradingError(f"{shown(path)}, line {exc.lineno}: {exc.msg}") from None
    lines = text.splitlines()
    docstring = ast.get_docstring(tree)
    body = tree.body[1:] if docstring is not None else tree.body
    nodes = [n for n in body if _is_definition(n)]
    if not nodes:
        raise GradingError(_("{path} defines no function or class to answer").format(path=shown(path)))
    first = _first_line(nodes[0])
    for node in body:
        if not _is_definition(node) and node.lineno > first:
            problem = _("{path}, line {line}: move top-level code above the first definition")
            raise GradingError(problem.format(path=shown(path), line=node.lineno))
        if _is_definition(node) and BEGIN not in ast.get_source_segment(text, node):
            problem = _("{path}: {name} has no {begin} / {end} block for the student to write")
            raise GradingError(problem.format(path=shown(path), name=node.name, begin=BEGIN, end=END))
    start = tree.body[0].end_lineno if docstring is not None else 0
    definitions = [
        Definition(
            n.name,
            f"class {n.name}" if isinstance(n, ast.ClassDef) else f"{n.name}()",
            ast.get_docstring(n) or "",
            _definition_code(lines, n),
        )
        for n in nodes
    ]
    return docstring or "", "\n".join(lines[start : first - 1]).strip("\n"), definitions


def _is_definition(node: ast.stmt) -> bool:
    """A top-level function or class: each one gets its own answer cell."""
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def _first_line(node: ast.stmt) -> int:
    """The first line of a definition, its decorators included."""
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def _definition_code(lines: list[str], node: ast.stmt) -> str:
    """A definition's lines, decorators and the indented comments that close it (### END SOLUTION) included."""
    end = node.end_lineno
    while end < len(lines) and lines[end][:1].isspace() and lines[end].lstrip().startswith("#"):
        end += 1
    return "\n".join(lines[_first_line(node) - 1 : end])


def task_blocks(docstring: str) -> list[tuple[str, bool]]:
    """A docstring's blocks, each (text, is_example): its paragraphs, which are translated one by one, and its
    doctest examples, which stay as they are. An example starts at a `>>>` line and ends at a blank line."""
    blocks: list[tuple[list[str], bool]] = []
    for line in docstring.splitlines():
        example = line.lstrip().startswith(">>>")
        if not line.strip():
            blocks.append(([], False))
        elif not blocks or not blocks[-1][0] or (example and not blocks[-1][1]):
            blocks.append(([line], example))
        else:
            blocks[-1][0].append(line)
    return [("\n".join(lines), example) for lines, example in blocks if lines]


def _markdown(docstring: str) -> str:
    """A docstring as Markdown in the run's language: paragraphs translated, examples as Python code blocks."""
    return "\n\n".join(
        f"```python\n{text}\n```" if example else course_text(text) for text, example in task_blocks(docstring)
    )
