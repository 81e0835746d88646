"""The classic mistakes of chapter 4 as what they return (see grader.testing.mistakes): for each function of the
course, what its typical mistakes give on a test's inputs, and the sentence that names each one and its fix.
course.yaml names this module among its `helpers`; the suites import it as `mistakes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.testing import Fn, Mistake, _, fail, fmt, is_close, name_the_mistake, raised, which_mistake

H = 1e-4
DELTA = 1e-7


# Numerical differentiation: numerical_diff's and numerical_gradient's mistakes, element by element.


def _unit_steps(x: np.ndarray) -> np.ndarray:
    """One array shaped like X per element of X: 1 at that element, 0 elsewhere."""
    return np.eye(x.size).reshape(x.size, *x.shape)


def partials(f: Callable, x: Any, rule: Callable[[Callable[[float], float]], float]) -> Any:
    """RULE applied to every element of X: RULE gets the function d ↦ f(x with that element moved by d)."""
    point = np.array(x, dtype=float)
    values = [rule(lambda d, step=step: float(f(point + d * step))) for step in _unit_steps(point)]
    return np.reshape(values, point.shape) if point.ndim else values[0]


def difference_mistakes(f: Callable, x: Any) -> list[Mistake]:
    """The mistakes of a difference quotient of F at X: forward difference, `/ 2 * h`, h too small or too large."""
    return [
        (
            lambda: partials(f, x, lambda g: (g(H) - g(0.0)) / H),
            _(
                "that is the forward difference (f(x+h) − f(x)) / h; "
                "use the central difference (f(x+h) − f(x−h)) / (2h)"
            ),
        ),
        (
            lambda: partials(f, x, lambda g: (g(H) - g(-H)) / 2 * H),
            _("`/ 2 * h` divides by 2 and then multiplies by h; write `/ (2 * h)`"),
        ),
        (
            lambda: partials(f, x, lambda g: 0.0),
            _("h is so small that x + h rounds back to x and every difference is 0; use h = 1e-4"),
        ),
        (
            lambda: partials(f, x, lambda g: (g(1e-2) - g(-1e-2)) / 2e-2),
            _("h = 0.01 is too large: the central difference is off by about h²·f'''/6; use h = 1e-4"),
        ),
    ]


def tangent_mistakes(f: Callable, x: float, slope: float, want_slope: float, t: Any) -> list[Mistake]:
    """The mistakes of tangent_line(f, x) at T, given SLOPE, what the student's numerical_diff(f, x) gives."""
    fx = f(x)
    diff_clause = which_mistake(slope, want_slope, difference_mistakes(f, x)) or _("fix numerical_diff first")
    return [
        (
            lambda: fx + want_slope * np.asarray(t),
            _("the line is f(x) + d·t, which misses the point (x, f(x)); use f(x) + d·(t − x)"),
        ),
        (
            lambda: fx + slope * (np.asarray(t) - x),
            _("its slope is numerical_diff(f, x) = {slope}, which should be {want}: {mistake}").format(
                slope=fmt(slope), want=fmt(want_slope), mistake=diff_clause
            ),
        ),
    ]


def gradient_mistakes(f: Callable, x: np.ndarray, want: np.ndarray) -> list[Mistake]:
    """numerical_gradient's own mistakes on F at X (whose gradient is WANT), then those of the difference."""
    first = np.zeros(want.shape)
    first.reshape(-1)[:1] = want.reshape(-1)[:1]
    mistakes = [
        (
            lambda: first,
            _("only the first element was computed and the rest stayed 0: is `return grad` inside the loop?"),
        )
    ]
    if x.ndim == 2:
        mistakes.append(
            (
                lambda: np.stack([partials(f, row, lambda g: (g(H) - g(-H)) / (2 * H)) for row in x]),
                _(
                    "it takes each row of x as a point of its own, like the book's gradient_2d for a batch; "
                    "here x is one point (a weight matrix) and f takes all of it: vary each element, "
                    "for idx in np.ndindex(x.shape)"
                ),
            )
        )
    return mistakes + difference_mistakes(f, x)


def check_rows_differ(got: Any, x: np.ndarray, what: str) -> None:
    """A gradient of a matrix that holds one number per row comes from a loop that moves whole rows x[i]."""
    if x.ndim < 2 or not isinstance(got, np.ndarray) or got.shape != x.shape or x.shape[-1] < 2:
        return
    rows = got.reshape(len(got), -1)
    if np.all(rows == rows[:, :1]):
        fail(
            _(
                "{what} holds one number per x[i]: the loop changes whole rows x[i] (range(x.shape[0])) "
                "instead of single elements; visit every element with np.ndindex(x.shape)"
            ).format(what=what)
        )


def refuse_copy(student: Any, got: Any, want: np.ndarray, W: np.ndarray) -> None:
    """Zeros for the network idiom come from a gradient computed on a copy of x, unless the student's gradient
    gives zeros for a function of its own argument too: then the difference itself is named."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.any():
        return
    x = np.array(W, dtype=float)
    direct = student.numerical_gradient(Fn("sphere"), x.copy())
    name_the_mistake(direct, 2 * x, f"numerical_gradient(Σx², {fmt(x)})", gradient_mistakes(Fn("sphere"), x, 2 * x))
    fail(
        _(
            "numerical_gradient worked on a copy of x: the network idiom lambda w: net.loss(x, t) reads net.W, "
            "so it saw no change and every partial derivative came out 0; change the caller's array itself"
        )
    )


def refuse_single_index(exc: Exception, x: np.ndarray, what: str) -> None:
    """An IndexError on a matrix comes from a loop that indexes x[idx] with one number, the book's 1-D version."""
    if x.ndim > 1 and raised(exc, "IndexError"):
        fail(
            _(
                "{what} raised IndexError: the loop indexes x[idx] with one number (for idx in range(x.size)), as "
                "the book's 1-D version does; on a 2-D x, x[idx] is a whole row and idx runs past the last row: "
                "visit every element with for idx in np.ndindex(x.shape)"
            ).format(what=what)
        )


def truncated_gradient(f: Callable, x: np.ndarray) -> np.ndarray:
    """What the book's numerical_gradient gives for an int X: x[idx] = tmp ± h stores tmp ± h truncated."""
    up, down = np.trunc(x + H) - x, np.trunc(x - H) - x
    return np.reshape([(f(x + up * s) - f(x + down * s)) / (2 * H) for s in _unit_steps(x)], x.shape)


# Losses: what their mistakes give for outputs y and targets t.


def sse_mistakes(y: Any, t: Any) -> list[Mistake]:
    """The classic mistakes of sum_squared_error(y, t): a mean instead of half the sum."""
    squares = (np.asarray(y, dtype=float) - np.asarray(t, dtype=float)) ** 2
    return [
        (lambda: np.mean(squares), _("it returns the mean of the squares; it is 0.5 times their sum")),
        (lambda: np.sum(squares), _("it forgets the factor 0.5: 0.5 * np.sum((y - t) ** 2)")),
        (
            lambda: 0.5 * np.sum(squares) / len(squares),
            _("it averages over the batch; it is 0.5·Σ over all elements, no averaging"),
        ),
    ]


# Cross-entropy: what its mistakes give for outputs y and targets t (one-hot or labels).


def _rows(y: Any, t: Any) -> tuple[np.ndarray, np.ndarray]:
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    return (y.reshape(1, -1), t.reshape(1, -1)) if y.ndim == 1 else (y, t)


def _labels(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (t.argmax(axis=1) if t.size == y.size else t).reshape(-1).astype(int)


def cee(y: Any, t: Any, delta: float = DELTA) -> float:
    """The cross-entropy error as the course defines it, with DELTA inside the log."""
    y, t = _rows(y, t)
    return float(-np.mean(np.log(y[np.arange(len(y)), _labels(y, t)] + delta)))


def cee_mistakes(y: Any, t: Any) -> list[Mistake]:
    """The classic mistakes of cross_entropy_error(y, t), each as what it returns."""
    y2, t2 = _rows(y, t)
    n = len(y2)
    one_hot = np.eye(y2.shape[1])[_labels(y2, t2)]
    mistakes: list[Mistake] = [
        (
            lambda: -np.sum(one_hot + np.log(y2 + DELTA)) / n,
            _("it adds t + log(y) where the formula multiplies: −Σ t·log(y + delta)"),
        ),
        (
            lambda: cee(y2, t2) * n,
            _("it returns the sum over the batch; divide by the batch size ({size}) to get the mean").format(size=n),
        ),
        (
            lambda: cee(one_hot, y2.argmax(axis=1)),
            _("it takes t first: the network's output y comes first, the correct answers t second"),
        ),
        (
            lambda: -np.sum(y2 * np.log(one_hot + DELTA)) / n,
            _("it takes t first: the network's output y comes first, the correct answers t second"),
        ),
    ]
    if t2.size != y2.size:
        mistakes.append(
            (
                lambda: -np.sum(np.asarray(t) * np.log(np.asarray(y, dtype=float) + DELTA)) / n,
                _(
                    "it handles one-hot t only and multiplies by the label's number; when t holds labels "
                    "(t.size != y.size), take y[np.arange(batch_size), t]"
                ),
            )
        )
    else:
        mistakes.append(
            (
                lambda: -np.sum(np.log(y2[np.arange(n)[:, None], t2.astype(int)] + DELTA)) / n,
                _(
                    "it handles labels only and reads one-hot t as labels; when t is one-hot (t.size == y.size), "
                    "turn it into labels first with t.argmax(axis=1)"
                ),
            )
        )
    mistakes.append((lambda: cee(y2, t2, 0.0), _("it has no delta inside the log; use np.log(y + 1e-7)")))
    mistakes += [
        (
            lambda d=d: cee(y2, t2, d),
            _("the delta inside the log is {delta} instead of 1e-7; use np.log(y + 1e-7)").format(delta=f"{d:g}"),
        )
        for d in (1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12, 1e-15)
    ]
    return mistakes


def check_cee(got: Any, y: Any, t: Any, want: float, what: str, rtol: float) -> None:
    """Name the mistake of a wrong cross-entropy GOT for (Y, T): nan or inf, or what a classic mistake gives."""
    if is_close(got, want, rtol=rtol):
        return
    number = np.asarray(got).item() if np.ndim(got) == 0 and np.asarray(got).dtype.kind == "f" else None
    if number is not None and not np.isfinite(number):
        fail(
            _(
                "{what} gave {value}: np.log(0) is -inf; add a small delta (1e-7) inside the log, np.log(y + 1e-7)"
            ).format(what=what, value=number)
        )
    name_the_mistake(got, want, what, cee_mistakes(y, t), rtol=1e-6, atol=1e-9)


def cee_raised(exc: Exception, y: Any, t: Any, what: str) -> None:
    """Name the target form that cross_entropy_error could not handle when it raised on (Y, T)."""
    if not raised(exc, "ValueError", "IndexError", "TypeError", "AxisError"):
        return
    y2, t2 = _rows(y, t)
    if t2.size == y2.size:
        clause = _("it seems to handle labels only; when t is one-hot (t.size == y.size), use t.argmax(axis=1) first")
    else:
        clause = _(
            "it seems to handle one-hot t only; when t holds labels (t.size != y.size), take "
            "y[np.arange(batch_size), t]"
        )
    fail(_("{what} raised an error: {mistake} ({error})").format(what=what, mistake=clause, error=exc))


# Gradient descent.


def refuse_uncopied_start(exc: Exception, init_x: Any, what: str) -> None:
    """A walk that fails on a list or an int init_x uses init_x as it came: name the missing float copy."""
    floats = isinstance(init_x, np.ndarray) and init_x.dtype.kind == "f"
    if floats or getattr(exc, "kind", None) not in ("raised", "reference"):
        return
    form = _("a list") if isinstance(init_x, list) else _("an int array")
    fail(
        _(
            "{what} failed for init_x given as {form}: start from a float copy, x = np.array(init_x, dtype=float), "
            "which also takes lists and int arrays ({error})"
        ).format(what=what, form=form, error=exc)
    )


# Activations.


def softmax_of_everything(x: np.ndarray) -> np.ndarray:
    """softmax with one max and one sum over the whole array (the book's 1-D version used on a batch)."""
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def activation_mistakes(name: str, x: np.ndarray) -> list[Mistake]:
    """The mistakes of sigmoid or softmax (NAME) on X."""
    if name == "sigmoid":
        return [
            (
                lambda: 1 / (1 + np.exp(-(x - np.max(x)))),
                _("sigmoid subtracts the maximum first, which changes it (unlike softmax); use 1 / (1 + np.exp(-x))"),
            )
        ]
    return [
        (
            lambda: softmax_of_everything(x),
            _(
                "it takes one max and one sum over the whole batch; take them per row: "
                "np.max(x, axis=-1, keepdims=True) and np.sum(..., axis=-1, keepdims=True)"
            ),
        )
    ]


def check_activation(name: str, got: Any, x: np.ndarray, want: np.ndarray, what: str) -> None:
    """Name what is wrong with sigmoid or softmax (NAME) of X: overflow, a classic mistake, or a property a
    correct one has (the shape of x, rows of softmax summing to 1)."""
    if name == "softmax":
        refuse_overflow(got, what)
    if not isinstance(got, np.ndarray) or is_close(got, want, rtol=1e-6, atol=1e-12):
        return
    name_the_mistake(got, want, what, activation_mistakes(name, x))
    if got.shape != x.shape:
        fail(_("{what} should keep the shape of x, {want}, got {got}").format(what=what, want=x.shape, got=got.shape))
    sums = np.sum(got, axis=-1)
    if name == "softmax" and got.dtype.kind == "f" and not is_close(sums, np.ones_like(sums), rtol=1e-6):
        fail(
            _("{what}: each row of a softmax sums to 1, these sum to {sums}").format(
                what=what, sums=fmt(np.round(sums, 6))
            )
        )


def refuse_overflow(got: Any, what: str) -> None:
    """Name the overflow of a softmax that does not subtract the maximum."""
    if isinstance(got, np.ndarray) and got.dtype.kind == "f" and not np.isfinite(got).all():
        fail(
            _(
                "{what} gave nan: np.exp(1010) overflows; subtract the maximum first, "
                "exp(x − max(x)) / Σ exp(x − max(x)) is the same function"
            ).format(what=what)
        )


# Networks.


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def forward_pass(params: dict, x: np.ndarray, hidden: Callable = _sigmoid, output: Callable = _softmax) -> np.ndarray:
    """TwoLayerNet.predict as the book computes it from PARAMS (the HIDDEN and OUTPUT activations replaceable)."""
    z1 = hidden(np.dot(x, params["W1"]) + params["b1"])
    return output(np.dot(z1, params["W2"]) + params["b2"])


def predict_mistakes(params: dict, x: np.ndarray) -> list[Mistake]:
    """The mistakes of TwoLayerNet.predict: a layer without its activation."""
    return [
        (
            lambda: forward_pass(params, x, hidden=lambda a: a),
            _("predict has no sigmoid between the layers: z1 = sigmoid(x @ W1 + b1), then softmax(z1 @ W2 + b2)"),
        ),
        (
            lambda: forward_pass(params, x, output=lambda a: a),
            _("predict returns the scores z1 @ W2 + b2 without the softmax: return softmax(a2)"),
        ),
    ]


def simple_net_mistakes(W: np.ndarray, x: np.ndarray, t: Any) -> list[Mistake]:
    """The mistakes of SimpleNet.loss: the cross-entropy of the raw scores."""
    return [
        (
            lambda: cee(np.dot(x, W), t),
            _(
                "loss feeds the raw scores x @ W to cross_entropy_error; apply softmax first: "
                "cross_entropy_error(softmax(self.predict(x)), t)"
            ),
        )
    ]


def accuracy_mistakes(want: float, samples: int) -> list[Mistake]:
    """The mistakes of TwoLayerNet.accuracy: a count of the right answers instead of their fraction."""
    return [
        (
            lambda: want * samples,
            _("accuracy returns the number of correct samples; divide by the number of samples ({n})").format(
                n=samples
            ),
        )
    ]


def accuracy_raised(exc: Exception, t: Any, what: str) -> None:
    """Name the target form that accuracy could not handle when it raised on T."""
    if np.ndim(t) == 1 and raised(exc, "AxisError", "ValueError", "IndexError"):
        fail(
            _(
                "{what} raised an error: it accepts one-hot t only; with integer labels (t.ndim == 1) compare "
                "them with the predicted classes directly ({error})"
            ).format(what=what, error=exc)
        )
