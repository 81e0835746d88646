"""TwoLayerNet.accuracy always takes argmax(t, axis=1), as in the book: integer labels raise an AxisError."""

EXERCISE = "networks"
MISTAKE = "accuracy accepts one-hot t only"
FEEDBACK = "labels"

import numpy as np


class TwoLayerNet(TwoLayerNet):  # noqa: F821 (the reference class; only accuracy differs)
    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        t = np.argmax(t, axis=1)
        return float(np.sum(y == t) / x.shape[0])
