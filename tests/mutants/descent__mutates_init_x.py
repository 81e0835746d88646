"""gradient_descent steps on init_x itself (x = init_x; x -= ...): the caller's start is overwritten."""

EXERCISE = "descent"
MISTAKE = "changes init_x in place"
FEEDBACK = "changed the caller's init_x"

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
