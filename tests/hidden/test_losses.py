"""Hidden checks for the losses: random batches, shapes and target kinds compared with the reference."""

import numpy as np
import pytest

from grader.testing import StudentCodeError, _, expect_number, is_close, name_the_mistake

from mistakes import cee_raised, check_cee, sse_mistakes


def probabilities(rng, shape):
    """Rows of probabilities: a softmax of random logits."""
    logits = rng.normal(scale=2.0, size=shape)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def compare(student, reference, y, t, what):
    """The student's cross-entropy against the reference's, naming the classic mistake that gives a wrong one."""
    rtol = 1e-5 if np.min(y) > 0 else 1e-6
    try:
        got = student.cross_entropy_error(y, t)
    except StudentCodeError as exc:
        cee_raised(exc, y, t, what)
        raise
    want = reference.cross_entropy_error(y, t)
    check_cee(got, y, t, want, what, rtol)
    expect_number(got, want, what, rtol=rtol)


@pytest.mark.parametrize("kind", ["one-hot", "label"])
def test_random_batches(student, reference, rng, kind):
    """Random mini-batches of probabilities, with one-hot targets or with labels."""
    batch, classes = int(rng.integers(3, 12)), int(rng.integers(3, 8))
    y = probabilities(rng, (batch, classes))
    labels = rng.integers(0, classes, size=batch)
    t = np.eye(classes)[labels] if kind == "one-hot" else labels
    what = {
        "one-hot": _("cross_entropy_error on a random batch of {rows}×{columns}, one-hot targets"),
        "label": _("cross_entropy_error on a random batch of {rows}×{columns}, label targets"),
    }[kind]
    compare(student, reference, y, t, what.format(rows=batch, columns=classes))


def test_random_single_samples(student, reference, rng):
    """One sample (1-D y) with a one-hot target and with a label."""
    classes = int(rng.integers(3, 10))
    y = probabilities(rng, (classes,))
    label = int(rng.integers(0, classes))
    one_hot = _("cross_entropy_error on one sample of {n} classes").format(n=classes)
    compare(student, reference, y, np.eye(classes)[label], one_hot)
    compare(
        student, reference, y, label, _("cross_entropy_error on one sample with the label {label}").format(label=label)
    )


def test_a_batch_of_one_equals_the_single_sample(student, reference, rng):
    """A 2-D batch holding one row gives the loss of that row given as 1-D."""
    y = probabilities(rng, (6,))
    t = np.eye(6)[int(rng.integers(0, 6))]
    compare(student, reference, y[None, :], t[None, :], _("cross_entropy_error on a batch of one row"))


def test_zero_probabilities_in_a_batch(student, reference, rng):
    """Some rows give the correct class probability 0: the loss stays finite and equals the reference."""
    batch, classes = 8, 5
    y = probabilities(rng, (batch, classes))
    labels = rng.integers(0, classes, size=batch)
    zeroed = rng.choice(batch, size=3, replace=False)
    y[zeroed, labels[zeroed]] = 0.0
    what = _("cross_entropy_error on a batch where some correct classes have probability 0")
    compare(student, reference, y, labels, what)


@pytest.mark.parametrize("ndim", [1, 2])
def test_sum_squared_error_on_random_data(student, reference, rng, ndim):
    """SSE on random outputs and targets, one sample or a batch."""
    shape = (int(rng.integers(3, 10)),) if ndim == 1 else (int(rng.integers(2, 6)), int(rng.integers(3, 8)))
    y, t = rng.random(shape), rng.random(shape)
    got, want = student.sum_squared_error(y, t), reference.sum_squared_error(y, t)
    what = _("sum_squared_error on random arrays of shape {shape}").format(shape=shape)
    if not is_close(got, want, rtol=1e-9):
        name_the_mistake(got, want, what, sse_mistakes(y, t))
    expect_number(got, want, what, rtol=1e-9)
