"""Hidden checks for the networks: random sizes and data, compared with the reference on the same weights."""

import numpy as np

from grader.testing import StudentCodeError, _, expect_array, expect_number, fail, name_the_mistake

from mistakes import accuracy_mistakes, accuracy_raised, predict_mistakes, simple_net_mistakes
from probes import blobs

KEYS = ["W1", "W2", "b1", "b2"]


def twin(student_net, reference, sizes):
    """A reference TwoLayerNet carrying the student's own weights, so that both compute the same thing."""
    ref = reference.TwoLayerNet(*sizes)
    params = student_net.params
    if not isinstance(params, dict) or sorted(params) != KEYS:
        fail(_("{name}.params should be a dict with the keys {keys}").format(name=f"TwoLayerNet{sizes}", keys=KEYS))
    shapes = {"W1": sizes[:2], "W2": sizes[1:], "b1": sizes[1:2], "b2": sizes[2:]}
    for key, shape in shapes.items():  # the reference trains on these: no larger than the network asked for
        if np.shape(params[key]) != shape:
            fail(
                _("{name}.params[{key}] should have shape {want}, got {got}").format(
                    name=f"TwoLayerNet{sizes}", key=repr(key), want=shape, got=np.shape(params[key])
                )
            )
    ref.params = {k: np.array(v, dtype=float) for k, v in params.items()}
    return ref


def random_sizes(rng):
    return int(rng.integers(2, 5)), int(rng.integers(2, 5)), int(rng.integers(2, 4))


def test_predict_loss_accuracy_match_the_reference(student, reference, rng):
    """On the same weights, predict, loss and accuracy equal the reference's, with one-hot and labels."""
    sizes = random_sizes(rng)
    net = student.TwoLayerNet(*sizes, weight_init_std=float(rng.uniform(0.5, 2.0)))
    ref = twin(net, reference, sizes)
    x = rng.normal(size=(int(rng.integers(4, 10)), sizes[0]))
    labels = rng.integers(0, sizes[2], size=len(x))
    got, want, what = net.predict(x), ref.predict(x), f"TwoLayerNet{sizes}.predict(x)"
    name_the_mistake(got, want, what, predict_mistakes(ref.params, x))
    expect_array(got, want, what, rtol=1e-6)
    for t, kind in ((np.eye(sizes[2])[labels], _("one-hot t")), (labels, _("label t"))):
        expect_number(net.loss(x, t), ref.loss(x, t), f"TwoLayerNet{sizes}.loss(x, t), {kind}", rtol=1e-6)
        what, want = f"TwoLayerNet{sizes}.accuracy(x, t), {kind}", ref.accuracy(x, t)
        try:
            got = net.accuracy(x, t)
        except StudentCodeError as exc:
            accuracy_raised(exc, t, what)
            raise
        name_the_mistake(got, want, what, accuracy_mistakes(want, len(x)))
        expect_number(got, want, what, atol=1e-12)


def test_numerical_gradient_matches_the_reference(student, reference, rng):
    """On the same weights, every gradient equals the reference's."""
    sizes = (3, 3, 2)
    net = student.TwoLayerNet(*sizes, weight_init_std=1.0)
    ref = twin(net, reference, sizes)
    x, t = rng.normal(size=(4, 3)), np.eye(2)[rng.integers(0, 2, size=4)]
    grads, want = net.numerical_gradient(x, t), ref.numerical_gradient(x, t)
    if not isinstance(grads, dict) or sorted(grads) != KEYS:
        fail(
            _("{call} should return a dict with the keys {keys}").format(
                call="TwoLayerNet.numerical_gradient(x, t)", keys=KEYS
            )
        )
    for key in KEYS:
        expect_array(grads[key], want[key], f"TwoLayerNet.numerical_gradient(x, t)[{key!r}]", rtol=1e-4, atol=1e-7)


def test_weight_init_std_is_honoured(student, rng):
    """weight_init_std scales both weight matrices; the biases start at 0."""
    std = float(rng.uniform(0.05, 3.0))
    params = student.TwoLayerNet(30, 40, 10, weight_init_std=std).params
    for key in ("W1", "W2"):
        measured = float(np.std(params[key]))
        if not 0.85 * std < measured < 1.15 * std:
            fail(
                _("{name} has standard deviation {measured}; it should be about {std}").format(
                    name=f"TwoLayerNet(30, 40, 10, weight_init_std={std:.3f}).params[{key!r}]",
                    measured=f"{measured:.3f}",
                    std=f"{std:.3f}",
                )
            )
    for key in ("b1", "b2"):
        expect_array(
            params[key], np.zeros_like(params[key]), _("params[{key}] of a new TwoLayerNet").format(key=repr(key))
        )


def test_training_follows_the_reference(student, reference, rng):
    """train from the same weights with the same seed takes the reference's steps: same losses, same params."""
    classes = int(rng.integers(2, 4))
    x, t = blobs(rng, 30, classes)
    sizes = (2, 3, classes)
    net = student.TwoLayerNet(*sizes, weight_init_std=0.5)
    ref = twin(net, reference, sizes)
    settings = {
        "iters_num": int(rng.integers(3, 6)),
        "batch_size": int(rng.integers(5, 10)),
        "learning_rate": float(rng.uniform(0.5, 2.0)),
        "seed": int(rng.integers(1000)),
    }
    start = net.params
    losses, want = student.train(net, x, t, **settings), reference.train(ref, x, t, **settings)
    what = "train(network, x, t, " + ", ".join(f"{k}={v:.3g}" for k, v in settings.items()) + ")"
    if isinstance(losses, list) and all(np.array_equal(start[k], net.params[k]) for k in KEYS):
        fail(_("{what} did not change network.params: update them in place").format(what=what))
    expect_array(
        np.asarray(losses, dtype=float) if isinstance(losses, list) else losses,
        np.asarray(want),
        _("the losses {what} returned").format(what=what),
        rtol=1e-5,
    )
    for key in KEYS:
        expect_array(
            net.params[key],
            ref.params[key],
            _("params[{key}] after {what}").format(key=repr(key), what=what),
            rtol=1e-5,
            atol=1e-8,
        )


def test_simple_net_with_random_weights(student, reference, rng):
    """SimpleNet with random weights on a random batch, labels as targets."""
    W, x = rng.normal(size=(2, 3)), rng.normal(size=(5, 2))
    labels = rng.integers(0, 3, size=5)
    net, ref = student.SimpleNet(W), reference.SimpleNet(W)
    expect_array(net.predict(x), ref.predict(x), _("SimpleNet(W).predict(x) on a batch of 5"), rtol=1e-7)
    got, want, what = net.loss(x, labels), ref.loss(x, labels), "SimpleNet(W).loss(x, labels)"
    name_the_mistake(got, want, what, simple_net_mistakes(W, x, labels))
    expect_number(got, want, what, rtol=1e-6)
