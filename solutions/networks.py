"""Small networks trained with numerical gradients (Deep Learning from Scratch, chapters 4.4.2 and 4.5).

Everything of this chapter comes together here. A network is a set of weight arrays; its loss is the
cross-entropy of its softmax output; the gradient of the loss with respect to every weight comes from
numerical_gradient; and training repeats "pick a random mini-batch, compute the gradient, step against it"
(stochastic gradient descent, 4.5.2). You build

- SimpleNet (4.4.2): one 2x3 weight matrix, no bias, no hidden layer;
- TwoLayerNet (4.5.1): input -> affine -> sigmoid -> affine -> softmax;
- train (4.5.2): the mini-batch training loop, recording the loss after every step.

The functions of the earlier exercises are imported for you; use them rather than writing them again.
Numerical gradients are slow (two forward passes per weight), so keep the networks small.
"""

import numpy as np

from activations import sigmoid, softmax
from gradient import numerical_gradient
from losses import cross_entropy_error


class SimpleNet:
    """The book's simpleNet (4.4.2): scores = x @ W with one weight matrix W of shape (2, 3)."""

    def __init__(self, W: np.ndarray | None = None) -> None:
        """Store the weights in self.W, a float array.

        W: the initial weights, shape (2, 3); when it is None, draw them from a standard normal
        distribution with np.random.randn(2, 3). Store W as a float numpy array (also when given as a list
        or an int array), since numerical_gradient(f, self.W) will perturb it in place.
        """
        ### BEGIN SOLUTION
        self.W = np.random.randn(2, 3) if W is None else np.array(W, dtype=float)
        ### END SOLUTION

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The scores x @ self.W, for one input of shape (2,) or a batch of shape (batch, 2).

        >>> net = SimpleNet([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
        >>> net.predict(np.array([0.6, 0.9]))
        array([1.05414809, 0.63071653, 1.1328074 ])
        """
        ### BEGIN SOLUTION
        return np.dot(x, self.W)
        ### END SOLUTION

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        """The cross-entropy error of softmax(predict(x)) against t (one-hot or labels).

        The book's example; its gradient with respect to W is numerical_gradient(lambda w: net.loss(x, t),
        net.W), which must see W change through net.W:

        >>> net = SimpleNet([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
        >>> x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
        >>> round(net.loss(x, t), 6)
        0.928068
        >>> np.round(numerical_gradient(lambda w: net.loss(x, t), net.W), 6)
        array([[ 0.219248,  0.143562, -0.36281 ],
               [ 0.328871,  0.215344, -0.544215]])
        """
        ### BEGIN SOLUTION
        return cross_entropy_error(softmax(self.predict(x)), t)
        ### END SOLUTION


class TwoLayerNet:
    """The book's two-layer network (4.5.1): affine -> sigmoid -> affine -> softmax.

    >>> net = TwoLayerNet(input_size=784, hidden_size=100, output_size=10)
    >>> [net.params[key].shape for key in ("W1", "b1", "W2", "b2")]
    [(784, 100), (100,), (100, 10), (10,)]
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, weight_init_std: float = 0.01) -> None:
        """Create self.params, a dict of the four parameter arrays.

        'W1': weight_init_std * np.random.randn(input_size, hidden_size); 'b1': zeros of shape
        (hidden_size,); 'W2': weight_init_std * np.random.randn(hidden_size, output_size); 'b2': zeros
        of shape (output_size,). All float arrays.
        """
        ### BEGIN SOLUTION
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        ### END SOLUTION

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The output probabilities for a batch x of shape (batch, input_size).

        Compute a1 = x @ W1 + b1, z1 = sigmoid(a1), a2 = z1 @ W2 + b2 and return softmax(a2), of shape
        (batch, output_size): every row is positive and sums to 1.
        """
        ### BEGIN SOLUTION
        z1 = sigmoid(np.dot(x, self.params["W1"]) + self.params["b1"])
        return softmax(np.dot(z1, self.params["W2"]) + self.params["b2"])
        ### END SOLUTION

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        """The cross-entropy error of predict(x) against t (one-hot rows or integer labels)."""
        ### BEGIN SOLUTION
        return cross_entropy_error(self.predict(x), t)
        ### END SOLUTION

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """The fraction of the samples in x whose most probable class is the correct one, as a float.

        t: one-hot rows of shape (batch, output_size) or integer labels of shape (batch,); accept both.
        The predicted class of a sample is the index of the largest value in its row of predict(x).
        For example, 3 right out of 4 gives 0.75.
        """
        ### BEGIN SOLUTION
        predicted = np.argmax(self.predict(x), axis=-1)
        t = np.asarray(t)
        if t.ndim > predicted.ndim:
            t = np.argmax(t, axis=-1)
        return float(np.mean(predicted == t))
        ### END SOLUTION

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """The gradient of loss(x, t) with respect to every parameter (book 4.5.1).

        Return a dict with the same four keys as self.params, 'W1', 'b1', 'W2' and 'b2', each holding
        an array of that parameter's shape. Use the numerical_gradient function of the gradient exercise
        on each self.params[key], with a function that computes self.loss(x, t) (its argument is not
        needed: the change is seen through self.params).
        """
        ### BEGIN SOLUTION
        loss_W = lambda W: self.loss(x, t)  # noqa: E731
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}
        ### END SOLUTION


def train(
    network: TwoLayerNet,
    x_train: np.ndarray,
    t_train: np.ndarray,
    iters_num: int = 100,
    batch_size: int = 10,
    learning_rate: float = 0.1,
    seed: int = 0,
) -> list[float]:
    """Train network by mini-batch gradient descent and return the loss after every step (book 4.5.2).

    x_train: shape (n, input_size); t_train: one-hot (n, output_size) or labels (n,). Start with
    rng = np.random.default_rng(seed). Then, iters_num times:
    1. pick batch_mask = rng.choice(len(x_train), batch_size) and take those rows of x_train and t_train;
    2. compute grads = network.numerical_gradient(x_batch, t_batch);
    3. update every parameter in place: network.params[key] -= learning_rate * grads[key];
    4. append float(network.loss(x_batch, t_batch)) to the list you return.
    The same seed must give the same batches, so use rng and nothing else for randomness.

    On two well separated clusters the loss falls:

    >>> np.random.seed(0)
    >>> x = np.vstack([np.random.randn(20, 2) - 2, np.random.randn(20, 2) + 2])
    >>> t = np.array([0] * 20 + [1] * 20)
    >>> net = TwoLayerNet(2, 4, 2, weight_init_std=1.0)
    >>> losses = train(net, x, t, iters_num=50, learning_rate=1.0)
    >>> len(losses), losses[-1] < losses[0], net.accuracy(x, t)
    (50, True, 1.0)
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(iters_num):
        batch_mask = rng.choice(len(x_train), batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grads = network.numerical_gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grads[key]
        losses.append(float(network.loss(x_batch, t_batch)))
    return losses
    ### END SOLUTION
