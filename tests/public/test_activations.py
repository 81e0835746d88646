"""Public checks for sigmoid and softmax: known values, symmetry, sums of one, large inputs, batches."""

import numpy as np

from grader.testing import _, expect_array, fail, is_close

BOOK_SCORES = np.array([0.3, 2.9, 4.0])
BOOK_SOFTMAX = np.array([0.01821127, 0.24519181, 0.73659691])
LARGE = np.array([1010.0, 1000.0, 990.0])
LARGE_SOFTMAX = np.array([9.99954600e-01, 4.53978686e-05, 2.06106005e-09])


def test_sigmoid_values(student):
    """sigmoid(0) = 0.5, and sigmoid([-1, 1, 2]) = [0.2689, 0.7311, 0.8808], element by element."""
    x = np.array([-1.0, 1.0, 2.0])
    got = student.sigmoid(x)
    want = 1 / (1 + np.exp(-x))
    if is_close(got, 1 / (1 + np.exp(-(x - x.max()))), rtol=1e-6):
        fail(
            _(
                "sigmoid([-1, 1, 2]) gave {got}: it subtracts the maximum first, which changes "
                "the sigmoid (unlike softmax); use 1 / (1 + np.exp(-x)) as it is"
            ).format(got=np.round(got, 4).tolist())
        )
    expect_array(got, want, "sigmoid([-1, 1, 2])", rtol=1e-7)
    expect_array(student.sigmoid(np.zeros(1)), np.array([0.5]), "sigmoid([0])", rtol=1e-12)


def test_sigmoid_is_symmetric_on_a_matrix(student):
    """sigmoid(−x) = 1 − sigmoid(x), for a 2-D array, keeping its shape."""
    x = np.array([[-3.0, -0.5, 0.0], [0.25, 2.0, 6.0]])
    expect_array(student.sigmoid(x), 1 / (1 + np.exp(-x)), _("sigmoid of a 2×3 array"), rtol=1e-7)
    expect_array(student.sigmoid(-x), 1 - 1 / (1 + np.exp(-x)), _("sigmoid(−x) for a 2×3 array"), rtol=1e-7)


def test_softmax_book_example(student):
    """softmax([0.3, 2.9, 4.0]) = [0.0182, 0.2452, 0.7366]: positive, summing to 1."""
    expect_array(student.softmax(BOOK_SCORES), BOOK_SOFTMAX, "softmax([0.3, 2.9, 4.0])", rtol=1e-6)


def refuse_overflow(got, what):
    """Name the overflow of a softmax that does not subtract the maximum."""
    if isinstance(got, np.ndarray) and got.dtype.kind == "f" and np.isnan(got).any():
        fail(
            _(
                "{what} gave nan: np.exp(1010) overflows; subtract the maximum first, "
                "exp(x − max(x)) / Σ exp(x − max(x)) is the same function"
            ).format(what=what)
        )


def test_softmax_of_large_inputs_stays_finite(student):
    """softmax([1010, 1000, 990]) overflows unless the maximum is subtracted first."""
    got = student.softmax(LARGE)
    refuse_overflow(got, "softmax([1010, 1000, 990])")
    expect_array(got, LARGE_SOFTMAX, "softmax([1010, 1000, 990])", rtol=1e-6)


def test_softmax_works_row_by_row_on_a_batch(student):
    """On a 2-D batch every row is its own softmax: each row sums to 1."""
    batch = np.stack([BOOK_SCORES, LARGE])
    got = student.softmax(batch)
    refuse_overflow(got, _("softmax of a batch whose second row is [1010, 1000, 990]"))
    if isinstance(got, np.ndarray) and got.shape == batch.shape and not is_close(got.sum(axis=1), [1, 1], 1e-6):
        fail(
            _(
                "softmax of a 2-row batch gave rows summing to {sums}: take the max "
                "and the sum of each row (axis=-1, keepdims=True), not of the whole batch"
            ).format(sums=np.round(got.sum(axis=1), 4).tolist())
        )
    expect_array(got, np.stack([BOOK_SOFTMAX, LARGE_SOFTMAX]), _("softmax of a batch of two rows"), rtol=1e-6)
