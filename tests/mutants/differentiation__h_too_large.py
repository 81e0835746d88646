"""numerical_diff uses h = 1e-2: the central difference is off by about h**2 * f'''/6 (1e-4 for x**3 at 1)."""

EXERCISE = "differentiation"
MISTAKE = "h too large"
FEEDBACK = "too large"


def numerical_diff(f, x):
    h = 1e-2
    return (f(x + h) - f(x - h)) / (2 * h)
