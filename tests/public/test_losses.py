"""Public checks for sum_squared_error and cross_entropy_error: the book's numbers and facts of the formulas."""

import numpy as np

from grader.testing import StudentCodeError, _, expect_number, fail, is_close

from mistakes import DELTA, cee_raised, check_cee

# The book's example (4.2.1): class 2 is correct; Y_GOOD gives it 0.6, Y_BAD only 0.1.
Y_GOOD = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
T = np.eye(10)[2]
RTOL = 1e-5  # loose enough for any tiny delta where no probability is 0; the zero-probability test pins it


def fmt_number(value):
    return f"{float(value):.6g}"


def judge_cee(student, y, t, want, what, rtol=RTOL):
    """Call cross_entropy_error(y, t) and check it, naming the classic mistake that gives a wrong answer."""
    try:
        got = student.cross_entropy_error(y, t)
    except StudentCodeError as exc:
        cee_raised(exc, y, t, what)
        raise
    check_cee(got, y, t, want, what, rtol)
    expect_number(got, want, what, rtol=rtol)


def test_sum_squared_error_book_example(student):
    """SSE = 0.5·Σ(y − t)²: 0.0975 for the book's good output, 0.5975 for the bad one."""
    for y, want in ((Y_GOOD, 0.0975), (Y_BAD, 0.5975)):
        got = student.sum_squared_error(y, T)
        if is_close(got, 2 * want / y.size, rtol=1e-6):
            fail(
                _(
                    "sum_squared_error returned {got}, the mean of the squares: it is 0.5 times their sum, {want}"
                ).format(got=fmt_number(got), want=want)
            )
        expect_number(got, want, _("sum_squared_error(y, t) for the book's example"), rtol=1e-7, atol=1e-12)


def test_sum_squared_error_sums_over_a_batch(student):
    """On a batch, SSE still sums over every element: no averaging over the batch."""
    got = student.sum_squared_error(np.stack([Y_GOOD, Y_BAD]), np.stack([T, T]))
    if is_close(got, 0.3475, rtol=1e-6):
        fail(_("sum_squared_error averaged over the batch (0.3475); it is 0.5·Σ over all elements, 0.695"))
    expect_number(got, 0.695, _("sum_squared_error on a batch of the book's two outputs"), rtol=1e-7)


def test_cross_entropy_error_book_example(student):
    """CEE = −Σ t·log(y + 1e-7): 0.5108 for the good output, 2.3026 for the bad one."""
    for y, want in ((Y_GOOD, 0.510825457099338), (Y_BAD, 2.302584092994546)):
        judge_cee(student, y, T, want, _("cross_entropy_error(y, t) for the book's example, t one-hot"))


def test_cross_entropy_error_accepts_a_label(student):
    """t may be the correct class as an integer label instead of a one-hot vector."""
    what = _("cross_entropy_error(y, 2) with the label 2 instead of one-hot t")
    judge_cee(student, Y_GOOD, 2, 0.510825457099338, what)


def test_cross_entropy_error_is_the_batch_mean(student):
    """On a batch, CEE is the mean over the samples, with one-hot targets and with labels alike."""
    y = np.stack([Y_GOOD, Y_BAD])
    want = (0.510825457099338 + 2.302584092994546) / 2
    for t, what in (
        (np.stack([T, T]), _("cross_entropy_error on a batch of two with one-hot targets")),
        (np.array([2, 2]), _("cross_entropy_error on a batch of two with label targets")),
    ):
        judge_cee(student, y, t, want, what)


def test_a_zero_probability_gives_a_large_finite_loss(student):
    """y = 0 at the correct class gives −log(1e-7) ≈ 16.118, never inf or nan."""
    y = np.array([0.5, 0.5, 0.0])
    t = np.array([0, 0, 1])
    what = _("cross_entropy_error when the correct class has probability 0")
    judge_cee(student, y, t, -np.log(DELTA), what, rtol=1e-6)
