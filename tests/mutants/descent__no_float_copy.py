"""gradient_descent walks from init_x as it came (x = init_x; x = x - lr * grad): a list or an int array
reaches numerical_gradient unconverted, which refuses it."""

EXERCISE = "descent"
MISTAKE = "no float copy of init_x"
FEEDBACK = "np.array(init_x, dtype=float)"

from gradient import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x = x - lr * numerical_gradient(f, x)
    return x


def gradient_ascent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x = x + lr * numerical_gradient(f, x)
    return x
