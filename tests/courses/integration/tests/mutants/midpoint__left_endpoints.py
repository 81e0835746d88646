"""midpoint_rule evaluates f at the left end of each interval instead of its middle."""

EXERCISE = "midpoint"
MISTAKE = "left endpoints instead of midpoints"
FEEDBACK = "left end of each interval"


def midpoint_rule(f, a, b, n):
    h = (b - a) / n
    return float(sum(f(a + i * h) for i in range(n)) * h)
