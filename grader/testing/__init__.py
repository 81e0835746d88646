"""What a suite may import: the public API for course authors (docs/authoring.md shows it at work).

Fixtures (from the grading plugin, by name in a test's arguments): `student` (the submission's module of the
suite's exercise, run in the sandboxed worker), `reference` (the solution module, in the grader; hidden suites
only) and `rng` (a numpy Generator drawn from the grading seed and the test's name). Checks whose failures read as
one sentence: `expect_number`, `expect_array`, `fail`, `fmt`, `is_close`, `as_number`. Naming a mistake by what it
returns: `Mistake`, `which_mistake`, `name_the_mistake`, and `raised` to judge what student code raised by type.
Functions handed to student code: `Fn` (a probe function of the course's probes module, sent by name), `Unseen`
and `unseen_function` (opaque: computed in the grader). `StudentCodeError`: what a call of student code raises
when it fails. `_` and `ngettext`: a message in the run's language, from the course's own `suites` catalogs. The
course's own modules (course.yaml `probes` and `helpers`) are imported by their names (`import probes`).
"""

from grader.core.i18n import suite_plural as ngettext
from grader.core.i18n import suite_text as _
from grader.grading.remote import StudentCodeError
from grader.sandboxed.probes import Probe
from grader.testing.checks import (
    Fn,
    Mismatch,
    Unseen,
    as_number,
    expect_array,
    expect_number,
    fail,
    fmt,
    is_close,
    unseen_function,
)
from grader.testing.mistakes import Mistake, name_the_mistake, raised, which_mistake

__all__ = [
    "Fn",
    "Mismatch",
    "Mistake",
    "Probe",
    "StudentCodeError",
    "Unseen",
    "_",
    "as_number",
    "expect_array",
    "expect_number",
    "fail",
    "fmt",
    "is_close",
    "name_the_mistake",
    "ngettext",
    "raised",
    "unseen_function",
    "which_mistake",
]
