"""What a suite may import: the public API for course authors.

Checks whose failures read as one sentence (`expect_number`, `expect_array`, `fail`, `fmt`, `is_close`), probe
functions sent to student code by name (`Fn`) or as opaque handles (`Unseen`, `unseen_function`), the network
idiom run in the worker (`network_idiom`); `grader.testing.mistakes` names the classic mistakes. The fixtures
`student`, `reference` and `rng` come from the grading plugin.
"""

from grader.testing.checks import (
    Fn,
    Mismatch,
    Unseen,
    as_number,
    blobs,
    expect_array,
    expect_number,
    fail,
    fmt,
    is_close,
    network_idiom,
    unseen_function,
)

__all__ = [
    "Fn",
    "Mismatch",
    "Unseen",
    "as_number",
    "blobs",
    "expect_array",
    "expect_number",
    "fail",
    "fmt",
    "is_close",
    "network_idiom",
    "unseen_function",
]
