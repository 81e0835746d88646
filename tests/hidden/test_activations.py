"""Hidden checks for sigmoid and softmax on random arrays, compared with the reference."""

from grader.testing import _, expect_array

from mistakes import check_activation


def test_sigmoid_on_a_random_3d_array(student, reference, rng):
    """sigmoid works element by element on an array of any shape."""
    x = rng.normal(scale=4.0, size=tuple(int(n) for n in rng.integers(2, 5, size=3)))
    what = _("sigmoid of a random array of shape {shape}").format(shape=x.shape)
    _check("sigmoid", student.sigmoid(x), x, reference.sigmoid(x), what, rtol=1e-7, atol=1e-12)


def test_softmax_on_a_large_random_vector(student, reference, rng):
    """A random vector shifted by hundreds: the result is finite and right."""
    x = rng.normal(scale=5.0, size=int(rng.integers(4, 12))) + rng.uniform(300, 900)
    what = _("softmax of a random vector around several hundred")
    _check("softmax", student.softmax(x), x, reference.softmax(x), what, rtol=1e-6, atol=1e-15)


def test_softmax_on_a_random_batch(student, reference, rng):
    """A random batch whose rows have very different offsets: each row is its own softmax."""
    rows, columns = int(rng.integers(3, 7)), int(rng.integers(3, 9))
    x = rng.normal(scale=3.0, size=(rows, columns)) + rng.uniform(-800, 800, size=(rows, 1))
    what = _("softmax of a random {rows}×{columns} batch").format(rows=rows, columns=columns)
    _check("softmax", student.softmax(x), x, reference.softmax(x), what, rtol=1e-6, atol=1e-15)


def test_softmax_ignores_a_constant_added_to_a_row(student, reference, rng):
    """softmax(x + c) = softmax(x) for any constant c per row."""
    x = rng.normal(size=(4, 5))
    shifted = x + rng.uniform(-50, 50, size=(4, 1))
    what = _("softmax of a batch with a constant added to each row")
    got = student.softmax(shifted)
    check_activation("softmax", got, shifted, reference.softmax(shifted), what)
    expect_array(got, student.softmax(x), what, rtol=1e-6, atol=1e-15)


def _check(name, got, x, want, what, rtol, atol):
    """The student's sigmoid or softmax (NAME) of X against the reference's, naming what is wrong."""
    check_activation(name, got, x, want, what)
    expect_array(got, want, what, rtol=rtol, atol=atol)
