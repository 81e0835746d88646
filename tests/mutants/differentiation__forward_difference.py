"""numerical_diff uses the forward difference (f(x+h) - f(x)) / h: its error is of order h, not h**2."""

EXERCISE = "differentiation"
MISTAKE = "forward difference instead of the central difference"
FEEDBACK = "forward difference"


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h
