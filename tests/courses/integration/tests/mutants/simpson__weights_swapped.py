"""simpson_rule weighs the trapezoid rule twice and the midpoint rule once."""

EXERCISE = "simpson"
MISTAKE = "the two rules' weights swapped"
FEEDBACK = "weights are swapped"


def simpson_rule(f, a, b, n):
    return (midpoint_rule(f, a, b, n) + 2 * trapezoid_rule(f, a, b, n)) / 3
