"""TwoLayerNet.accuracy returns how many samples are right, np.sum(y == t), not the fraction."""

EXERCISE = "networks"
MISTAKE = "accuracy returns a count"
FEEDBACK = "number of correct samples"

import numpy as np


class TwoLayerNet(TwoLayerNet):  # noqa: F821 (the reference class; only accuracy differs)
    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return int(np.sum(y == t))
