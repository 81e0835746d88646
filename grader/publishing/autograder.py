"""What runs inside Gradescope for each submission (`python -m grader.publishing.autograder ROOT`): grade
ROOT/submission against the course in ROOT/source and write ROOT/results/results.json in Gradescope's format.
Whatever goes wrong, a results.json that says what happened is written: a missing one would show the student
only "The autograder failed to execute correctly"."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.core.i18n import _
from grader.model.course import Course, load_course


def grade_submission(root: Path) -> dict:
    """Gradescope's results for ROOT/submission, graded on every exercise of the course; the top-level output
    also names what was missing from the upload and what it held instead."""
    from grader.grading import runner
    from grader.intake import submissions
    from grader.reports import render
    from grader.reports.gradescope_report import as_dict

    course = load_course(root / "source")
    upload = root / "submission"
    runner.refuse_links(upload)
    submission = submissions.locate(upload, course) or upload
    with submissions.opened(submission, course) as found:
        report = runner.check(course, found[0].directory, [], grading_seed(root / "source", course))
    print(render(report, "text", student=False))  # the instructor's log on Gradescope
    results = as_dict(report)
    missing = submissions.missing(submission, course)
    if missing:
        results["output"] = f"{missing}\n{results['output']}"
    return results


def grading_seed(source: Path, course: Course) -> int:
    """The seed `grade gradescope` kept in the course directory (never in run_autograder, which student code could
    read), else $GRADE_SEED or the course's."""
    from grader.grading.runner import resolve_seed
    from grader.publishing.gradescope_bundle import SEED_FILE

    try:
        return int((source / SEED_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return resolve_seed(course, None)


def main(root: Path) -> None:
    results = root / "results" / "results.json"
    try:
        data = grade_submission(root)
    except Exception as exc:  # any failure at all must still end in a results.json that names it
        message = _("This submission could not be graded: {error}").format(error=exc)
        print(message, file=sys.stderr)
        data = {"score": 0, "output": message, "visibility": "visible", "tests": []}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder"))
