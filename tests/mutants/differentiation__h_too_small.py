"""numerical_diff uses h = 1e-50: x + h rounds back to x, so every derivative comes out as 0."""

EXERCISE = "differentiation"
MISTAKE = "h so small that rounding gives 0"
FEEDBACK = "rounds back to x"


def numerical_diff(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)
