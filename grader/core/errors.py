"""The one error type the grader reports to its user as a single line, with exit status 2."""


class GradingError(Exception):
    """Grading could not run: bad arguments, a missing or broken course, an unreadable submission."""

    exit_code = 2
