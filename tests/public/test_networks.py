"""Public checks for SimpleNet, TwoLayerNet and train: the book's numbers and facts every network obeys."""

import numpy as np

from grader.testing import StudentCodeError, _, expect_array, expect_number, fail, name_the_mistake

from mistakes import accuracy_mistakes, accuracy_raised, forward_pass, predict_mistakes, simple_net_mistakes
from probes import blobs

BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X, BOOK_T = np.array([0.6, 0.9]), np.array([0, 0, 1])
KEYS = ["W1", "W2", "b1", "b2"]


def params_of(net, sizes):
    """The net's params, checked to be a dict with the four keys and the book's shapes."""
    params = net.params
    if not isinstance(params, dict) or sorted(params) != KEYS:
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        fail(
            _("{name}.params should be a dict with the keys {keys}, got {got}").format(
                name=f"TwoLayerNet{sizes}", keys=KEYS, got=keys
            )
        )
    inputs, hidden, outputs = sizes
    shapes = {"W1": (inputs, hidden), "b1": (hidden,), "W2": (hidden, outputs), "b2": (outputs,)}
    for key, shape in shapes.items():
        if not isinstance(params[key], np.ndarray) or params[key].shape != shape:
            fail(
                _("{name} should be an array of shape {shape}, got {got}").format(
                    name=f"TwoLayerNet{sizes}.params[{key!r}]",
                    shape=shape,
                    got=getattr(params[key], "shape", type(params[key]).__name__),
                )
            )
    return params


def test_simple_net_book_example(student):
    """The book's SimpleNet: predict gives [1.054, 0.631, 1.133] and the loss is 0.9281."""
    net = student.SimpleNet(BOOK_W)
    expect_array(net.predict(BOOK_X), BOOK_X @ BOOK_W, "SimpleNet(W).predict([0.6, 0.9])", rtol=1e-7)
    got, what = net.loss(BOOK_X, BOOK_T), "SimpleNet(W).loss([0.6, 0.9], [0, 0, 1])"
    name_the_mistake(got, 0.9280682857864075, what, simple_net_mistakes(BOOK_W, BOOK_X, BOOK_T))
    expect_number(got, 0.9280682857864075, what, rtol=1e-5)


def test_two_layer_net_params(student):
    """params holds W1, b1, W2, b2 with the book's shapes; biases start at 0, weights with std 0.01."""
    params = params_of(student.TwoLayerNet(50, 40, 10), (50, 40, 10))
    for key in ("b1", "b2"):
        expect_array(params[key], np.zeros_like(params[key]), f"TwoLayerNet(50, 40, 10).params[{key!r}]")
    for key in ("W1", "W2"):
        std = float(np.std(params[key]))
        if not 0.008 < std < 0.012:
            fail(
                _(
                    "{name} has standard deviation {std}; with weight_init_std=0.01 it should be about 0.01 "
                    "(weight_init_std * np.random.randn(...))"
                ).format(name=f"TwoLayerNet(50, 40, 10).params[{key!r}]", std=f"{std:.4g}")
            )


def test_predict_gives_probabilities(student):
    """predict returns one row of class probabilities per sample, each row summing to 1."""
    x = np.random.default_rng(1).normal(size=(6, 4))
    net = student.TwoLayerNet(4, 5, 3, weight_init_std=1.0)
    got = net.predict(x)
    params = params_of(net, (4, 5, 3))
    what = _("TwoLayerNet(4, 5, 3).predict(x) for 6 samples")
    name_the_mistake(got, forward_pass(params, x), what, predict_mistakes(params, x))
    expect_array(
        got if not isinstance(got, np.ndarray) else got.sum(axis=-1),
        np.ones(6),
        _("the row sums of TwoLayerNet(4, 5, 3).predict(x) for 6 samples"),
        rtol=1e-7,
    )
    if not ((got > 0) & (got < 1)).all():
        fail(_("TwoLayerNet.predict should give probabilities strictly between 0 and 1 (a softmax at the end)"))
    expect_array(got, forward_pass(params, x), what, rtol=1e-6)


def test_loss_and_accuracy_accept_labels_and_one_hot(student):
    """loss and accuracy give the same with one-hot targets and with labels; accuracy is a fraction."""
    rng = np.random.default_rng(2)
    x, labels = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    net = student.TwoLayerNet(4, 5, 3, weight_init_std=1.0)
    one_hot = np.eye(3)[labels]
    what = _("TwoLayerNet.loss(x, labels) vs one-hot")
    expect_number(net.loss(x, labels), float(net.loss(x, one_hot)), what, rtol=1e-9)
    want = float(np.mean(np.argmax(net.predict(x), axis=1) == labels))
    for t, what in (
        (one_hot, _("TwoLayerNet.accuracy(x, t) with one-hot t")),
        (labels, _("TwoLayerNet.accuracy(x, labels) with integer labels")),
    ):
        try:
            got = net.accuracy(x, t)
        except StudentCodeError as exc:
            accuracy_raised(exc, t, what)
            raise
        name_the_mistake(got, want, what, accuracy_mistakes(want, len(x)))
        expect_number(got, want, what, atol=1e-12)


def test_numerical_gradient_of_the_output_bias(student):
    """numerical_gradient(x, t) returns all four gradients; the one of b2 is the batch mean of y − t."""
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(4, 3)), rng.integers(0, 2, size=4)
    t = np.eye(2)[labels]
    net = student.TwoLayerNet(3, 3, 2, weight_init_std=1.0)
    grads = net.numerical_gradient(x, t)
    if not isinstance(grads, dict) or sorted(grads) != KEYS:
        keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        fail(
            _("{call} should return a dict with the keys {keys}, got {got}").format(
                call="TwoLayerNet.numerical_gradient(x, t)", keys=KEYS, got=keys
            )
        )
    want = (net.predict(x) - t).mean(axis=0)
    what = _("numerical_gradient(x, t)['b2'], which must equal mean(predict(x) − t)")
    expect_array(grads["b2"], want, what, rtol=1e-4, atol=1e-7)


def test_training_lowers_the_loss(student):
    """train on two blobs of points: the loss on the whole set falls far, params change, one loss per step."""
    x, t = blobs(np.random.default_rng(4), n=40, classes=2)
    net = student.TwoLayerNet(2, 3, 2, weight_init_std=0.5)
    before, start = float(net.loss(x, t)), net.params
    losses = student.train(net, x, t, iters_num=5, batch_size=10, learning_rate=2.0, seed=4)
    if not isinstance(losses, list) or len(losses) != 5:
        fail(
            _("train(..., iters_num=5) should return a list of 5 losses, got {type} of length {length}").format(
                type=type(losses).__name__, length=len(losses) if hasattr(losses, "__len__") else "-"
            )
        )
    if all(np.array_equal(start[k], net.params[k]) for k in KEYS):
        fail(_("train did not change network.params: update them in place (params[key] -= learning_rate * grad[key])"))
    after = float(net.loss(x, t))
    if not after < 0.5 * before:
        fail(
            _(
                "after 5 training steps the loss on the data set went from {before} to {after}; on two "
                "well separated blobs it should fall to less than half (step against the gradient)"
            ).format(before=f"{before:.4f}", after=f"{after:.4f}")
        )
