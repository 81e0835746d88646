"""The reference memo: it answers a repeated plain call from memory, hands out copies, and lets everything else
through (closures, objects, functions that change their arguments or draw random numbers)."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest

from grader.grading.course_code import install_course_code
from grader.grading.memo import Memo, RememberingModule, key_of
from grader.grading.reference import Reference
from grader.model.course import load_course
from grader.testing import Fn

ROOT = Path(__file__).resolve().parents[2]
install_course_code(load_course(ROOT))  # the course's probe functions, which Fn names


def counted(function):
    """FUNCTION and the list its calls are recorded in."""
    calls = []

    def run(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    run.__name__ = function.__name__
    return run, calls


def test_repeated_plain_call_is_answered_from_memory():
    double, calls = counted(lambda x, scale=2.0: x * scale)
    remembered = Memo().wrap(double)
    first = remembered(np.arange(3.0), scale=3.0)
    second = remembered(np.arange(3.0), scale=3.0)
    np.testing.assert_array_equal(second, [0.0, 3.0, 6.0])
    np.testing.assert_array_equal(first, second)
    assert len(calls) == 1


def test_mutating_an_answer_does_not_change_the_next_one():
    pair, _ = counted(lambda x: (x + 1.0, [x * 2.0]))
    remembered = Memo().wrap(pair)
    got, listed = remembered(np.ones(2))
    got[:] = 99.0
    listed[0][:] = -1.0
    listed.append("junk")
    again, listed_again = remembered(np.ones(2))
    np.testing.assert_array_equal(again, [2.0, 2.0])
    assert len(listed_again) == 1
    np.testing.assert_array_equal(listed_again[0], [2.0, 2.0])


def test_changing_the_argument_after_the_call_gives_a_fresh_answer():
    total, calls = counted(lambda x: float(np.sum(x)))
    remembered = Memo().wrap(total)
    x = np.ones(3)
    assert remembered(x) == 3.0
    x[0] = 5.0
    assert remembered(x) == 7.0
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (0.0, -0.0),
        (1, 1.0),
        (True, 1),
        (np.zeros(4), np.zeros((2, 2))),
        (np.zeros(2, dtype=np.float64), np.zeros(2, dtype=np.int64)),
        (np.float32(1.5), np.float64(1.5)),
        ((1.0, 2.0), [1.0, 2.0]),
        (Fn("bowl", center=0.0, scale=1.0), Fn("bowl", center=0.0, scale=2.0)),
        (Fn("sphere"), Fn("square")),
    ],
)
def test_inputs_a_function_could_tell_apart_have_different_keys(a, b):
    assert key_of(a) != key_of(b)


def test_equal_probes_share_a_key():
    assert key_of(Fn("bowl", center=np.array([1.0, 2.0]), scale=0.5)) == key_of(
        Fn("bowl", scale=0.5, center=np.array([1.0, 2.0]))
    )


def test_a_closure_argument_is_never_remembered():
    apply, calls = counted(lambda f, x: f(x))
    remembered = Memo().wrap(apply)
    assert remembered(lambda v: v + 1, 1.0) == 2.0
    assert remembered(lambda v: v + 2, 1.0) == 3.0
    assert len(calls) == 2


def test_an_object_argument_is_never_remembered():
    class Holder:
        value = 1.0

    read, calls = counted(lambda holder: holder.value)
    remembered = Memo().wrap(read)
    holder = Holder()
    assert remembered(holder) == 1.0
    holder.value = 2.0
    assert remembered(holder) == 2.0
    assert len(calls) == 2


def test_an_unplain_answer_is_handed_out_but_not_remembered():
    line, calls = counted(lambda slope: lambda x: slope * x)
    remembered = Memo().wrap(line)
    assert remembered(2.0)(3.0) == 6.0
    assert remembered(2.0)(3.0) == 6.0
    assert len(calls) == 2


def test_a_function_that_changes_its_argument_is_never_remembered():
    def bump(x):
        x += 1.0
        return x.copy()

    counted_bump, calls = counted(bump)
    remembered = Memo().wrap(counted_bump)
    x = np.zeros(2)
    remembered(x)
    remembered(np.zeros(2))
    remembered(np.zeros(2))
    np.testing.assert_array_equal(x, [1.0, 1.0])
    assert len(calls) == 3


def test_a_function_that_draws_random_numbers_is_never_remembered():
    draw, calls = counted(lambda n: np.random.randn(n))
    remembered = Memo().wrap(draw)
    first, second = remembered(3), remembered(3)
    assert not np.array_equal(first, second)
    assert len(calls) == 2


def test_a_failing_call_is_not_remembered():
    def fragile(x):
        calls.append(x)
        if len(calls) == 1:
            raise ValueError("first time")
        return x

    calls: list = []
    remembered = Memo().wrap(fragile)
    with pytest.raises(ValueError):
        remembered(1.0)
    assert remembered(1.0) == 1.0


def test_past_the_byte_limit_answers_are_computed_not_kept():
    twice, calls = counted(lambda x: x * 2.0)
    remembered = Memo(max_bytes=100).wrap(twice)
    remembered(np.zeros(100))
    remembered(np.zeros(100))
    assert len(calls) == 2


def test_a_module_through_the_memo_keeps_its_classes_and_remembers_its_functions():
    module = types.ModuleType("toy")
    module.Net = type("Net", (), {})
    module.square, calls = counted(lambda x: x * x)
    module.LIMIT = 3
    seen = RememberingModule(module, Memo())
    assert seen.Net is module.Net and seen.LIMIT == 3
    assert seen.square(4.0) == seen.square(4.0) == 16.0
    assert len(calls) == 1


def test_the_reference_gives_remembered_answers_equal_to_its_own():
    reference = Reference(ROOT / "solutions")
    direct = reference.module("descent").gradient_descent(Fn("sphere"), np.array([-3.0, 4.0]), lr=0.1, step_num=20)
    remembered = reference.remembering("descent").gradient_descent
    for _ in range(2):
        got = remembered(Fn("sphere"), np.array([-3.0, 4.0]), lr=0.1, step_num=20)
        np.testing.assert_array_equal(got, direct)
        got[:] = 0.0
    served = reference.remembering("gradient").numerical_gradient  # what the plugin serves to a dependant
    assert served.__wrapped__ is reference.module("gradient").numerical_gradient
