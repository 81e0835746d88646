"""What goes into a copy of the course made to install elsewhere (a student's repository, a Gradescope
autograder): the grader package with a pyproject.toml of its own, and the course's files, with or without
what is secret. Files are gathered as {relative path: bytes}, so a directory and a zip are written alike."""

from __future__ import annotations

import ast
import gzip
import io
import json
import tarfile
from importlib import metadata
from pathlib import Path

import grader
from grader.authoring import markers
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.core.terminal import shown
from grader.model.course import COURSE_FILE, Course
from grader.publishing.templates import render

DISTRIBUTION = "dlfs-ch4-grader"
_SKIPPED = ("__pycache__", ".pytest_cache", ".ipynb_checkpoints")

Files = dict[str, bytes]


def grader_files() -> Files:
    """The grader package as it runs now, and a pyproject.toml that installs it with pip alone: the student's
    machine or Gradescope's needs neither this repository nor a package index that holds the grader."""
    package = Path(grader.__file__).parent
    files = {f"grader/{path}": data for path, data in tree(package).items()}
    requires = metadata.requires(DISTRIBUTION) or []
    pyproject = render(
        "pyproject.toml.tmpl",
        VERSION=metadata.version(DISTRIBUTION),
        DEPENDENCIES=json.dumps([r for r in requires if "extra ==" not in r]),
        PLOT=json.dumps([r.split(";")[0].strip() for r in requires if r.endswith('extra == "plot"')]),
    )
    files["pyproject.toml"] = pyproject.encode()
    return files


def public_grader(course: Course) -> Files:
    """The grader to hand to students: its catalogs without the translations of what only a hidden suite says."""
    files = grader_files()
    return withhold_messages(files, hidden_messages(course, course_files(course, secret=False) | files))


def source_archive(files: Files) -> tuple[str, bytes]:
    """FILES (the grader and its pyproject.toml) as a source archive that pip installs (`pip install ./NAME`),
    and its name; the same files give the same bytes."""
    name = f"{DISTRIBUTION}-{metadata.version(DISTRIBUTION)}"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed, tarfile.open(fileobj=packed, mode="w") as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(f"{name}/{path}")
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return f"{name}.tar.gz", buffer.getvalue()


def withhold_messages(files: Files, withheld: frozenset[str]) -> Files:
    """FILES with the translations of the WITHHELD messages taken out of every gettext catalog."""
    return files | {name: without_messages(data, withheld) for name, data in files.items() if name.endswith(".po")}


def without_messages(catalog: bytes, withheld: frozenset[str]) -> bytes:
    """A gettext catalog without the entries for the WITHHELD message ids."""
    import polib

    po = polib.pofile(catalog.decode("utf-8"))
    secret = [entry for entry in po if entry.msgid in withheld]
    for entry in secret:
        po.remove(entry)
    return str(po).encode("utf-8") if secret else catalog


def hidden_messages(course: Course, public: Files) -> frozenset[str]:
    """The strings of the hidden suites that no PUBLIC Python file holds: their translations, shipped with
    the grader, would tell what the hidden suites check."""
    hidden = set().union(*(_strings(e.hidden.read_bytes()) for e in course.exercises if e.hidden is not None))
    shown = set().union(*(_strings(data) for name, data in public.items() if name.endswith(".py")))
    return frozenset(hidden - shown)


def _strings(source: bytes) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def tree(directory: Path) -> Files:
    """Every file under DIRECTORY by its path relative to it, without caches and compiled files."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.suffix != ".pyc" and not set(path.relative_to(directory).parts) & set(_SKIPPED)
    }


def course_files(course: Course, secret: bool) -> Files:
    """The stubs (made from the solutions, never the working exercises/, where an instructor may have tried
    them), the public suites and the course's own files; with SECRET also the hidden suites, the solutions and
    course.yaml as it is; without, a course.yaml that names no hidden suite and no solutions (see
    public_course_yaml)."""
    if not course.has_solutions:
        problem = _("{path} does not exist: stubs are made from the reference solutions")
        raise GradingError(problem.format(path=course.solutions_dir))
    made = markers.stubs(course.solutions_dir, [e.module for e in course.exercises])
    files = {f"{relative(course, course.exercises_dir)}/{m}.py": text.encode() for m, text in made.items()}
    files |= own_files(course)
    for exercise in course.exercises:
        files[relative(course, exercise.public)] = exercise.public.read_bytes()
        if secret and exercise.hidden is not None:
            files[relative(course, exercise.hidden)] = exercise.hidden.read_bytes()
    if secret:
        files |= {relative(course, course.solutions_dir) + "/" + p: d for p, d in tree(course.solutions_dir).items()}
        files[COURSE_FILE] = (course.root / COURSE_FILE).read_bytes()
    else:
        files[COURSE_FILE] = public_course_yaml(course).encode()
    return files


def own_files(course: Course) -> Files:
    """The course's own code and catalogs that course.yaml names: its probes, helpers, pictures, `locale` tree."""
    return {relative(course, path): path.read_bytes() for path in course.own_files()}


def relative(course: Course, path: Path) -> str:
    """PATH relative to the course root; a file outside the course cannot be copied with it."""
    try:
        return path.resolve().relative_to(course.root.resolve()).as_posix()
    except ValueError:
        raise GradingError(
            _("{path} is outside the course directory {root}: move it inside to release it").format(
                path=shown(path), root=shown(course.root)
            )
        ) from None


def public_course_yaml(course: Course) -> str:
    """course.yaml without the hidden suites' paths and the solutions' place; the hidden test counts stay, so
    the student's `grade check` still says how many hidden tests run at grading."""
    import yaml

    data = yaml.safe_load((course.root / COURSE_FILE).read_text(encoding="utf-8"))
    for exercise in data["exercises"]:
        exercise.pop("hidden", None)
    layout = data.get("layout", {})
    layout.pop("solutions", None)
    if not layout:
        data.pop("layout", None)
    header = (
        "# The public part of the course, written by `grade release`: hidden suites and solutions stay with\n"
        "# the instructor; hidden_tests says how many hidden tests run at grading.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def write_tree(files: Files, target: Path) -> None:
    """Write FILES under TARGET; a file that starts with #! (a script) becomes executable."""
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if data.startswith(b"#!"):
            path.chmod(0o755)
