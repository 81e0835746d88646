"""numerical_diff divides by 2 and then multiplies by h: `/ 2 * h` instead of `/ (2 * h)`."""

EXERCISE = "differentiation"
MISTAKE = "`/ 2 * h` operator precedence"
FEEDBACK = "`/ 2 * h`"


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / 2 * h
