"""Public checks for sigmoid and softmax: known values, symmetry, sums of one, large inputs, batches."""

import numpy as np

from grader.testing import _, expect_array

from mistakes import check_activation, refuse_overflow

BOOK_SCORES = np.array([0.3, 2.9, 4.0])
BOOK_SOFTMAX = np.array([0.01821127, 0.24519181, 0.73659691])
LARGE = np.array([1010.0, 1000.0, 990.0])
LARGE_SOFTMAX = np.array([9.99954600e-01, 4.53978686e-05, 2.06106005e-09])


def _check(name, got, x, want, what, rtol=1e-7, atol=0.0):
    """The student's sigmoid or softmax (NAME) of X against WANT, naming what is wrong."""
    check_activation(name, got, x, want, what)
    expect_array(got, want, what, rtol=rtol, atol=atol)


def test_sigmoid_values(student):
    """sigmoid(0) = 0.5, and sigmoid([-1, 1, 2]) = [0.2689, 0.7311, 0.8808], element by element."""
    x = np.array([-1.0, 1.0, 2.0])
    _check("sigmoid", student.sigmoid(x), x, 1 / (1 + np.exp(-x)), "sigmoid([-1, 1, 2])")
    _check("sigmoid", student.sigmoid(np.zeros(1)), np.zeros(1), np.array([0.5]), "sigmoid([0])", rtol=1e-12)


def test_sigmoid_is_symmetric_on_a_matrix(student):
    """sigmoid(−x) = 1 − sigmoid(x), for a 2-D array, keeping its shape."""
    x = np.array([[-3.0, -0.5, 0.0], [0.25, 2.0, 6.0]])
    _check("sigmoid", student.sigmoid(x), x, 1 / (1 + np.exp(-x)), _("sigmoid of a 2×3 array"))
    _check("sigmoid", student.sigmoid(-x), -x, 1 - 1 / (1 + np.exp(-x)), _("sigmoid(−x) for a 2×3 array"))


def test_softmax_book_example(student):
    """softmax([0.3, 2.9, 4.0]) = [0.0182, 0.2452, 0.7366]: positive, summing to 1."""
    _check("softmax", student.softmax(BOOK_SCORES), BOOK_SCORES, BOOK_SOFTMAX, "softmax([0.3, 2.9, 4.0])", 1e-6)


def test_softmax_of_large_inputs_stays_finite(student):
    """softmax([1010, 1000, 990]) overflows unless the maximum is subtracted first."""
    _check("softmax", student.softmax(LARGE), LARGE, LARGE_SOFTMAX, "softmax([1010, 1000, 990])", 1e-6)


def test_softmax_works_row_by_row_on_a_batch(student):
    """On a 2-D batch every row is its own softmax: each row sums to 1."""
    batch = np.stack([BOOK_SCORES, LARGE])
    got = student.softmax(batch)
    refuse_overflow(got, _("softmax of a batch whose second row is [1010, 1000, 990]"))
    _check("softmax", got, batch, np.stack([BOOK_SOFTMAX, LARGE_SOFTMAX]), _("softmax of a batch of two rows"), 1e-6)
