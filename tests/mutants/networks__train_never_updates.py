"""train rebinds the loop variable (param = param - lr * grad) instead of updating network.params."""

EXERCISE = "networks"
MISTAKE = "train never updates the parameters"
FEEDBACK = "did not change network.params"

import numpy as np


def train(network, x_train, t_train, iters_num=100, batch_size=10, learning_rate=0.1, seed=0):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(iters_num):
        batch_mask = rng.choice(len(x_train), batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grads = network.numerical_gradient(x_batch, t_batch)
        for key, param in network.params.items():
            param = param - learning_rate * grads[key]
        losses.append(float(network.loss(x_batch, t_batch)))
    return losses
