"""Bad input gets one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import os

import pytest

from conftest import ROOT, grade

GOOD = """\
title: T
exercises:
  - id: toy
    title: Toy
    module: toy
    functions: [f]
    points: 10
    public: tests/test_toy.py
"""


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("title: [unclosed\n", "at line 2, column 1: not valid YAML"),
        (GOOD.replace("points: 10", "points: ten"), "exercises[0].points: expected an integer or a number, got str"),
        (GOOD.replace("points: 10", "points: -1"), "exercises[0].points: expected a positive number, got -1"),
        (GOOD.replace("    title: Toy\n", ""), "exercises[0]: missing key 'title'"),
        (GOOD + "    hiden: x.py\n", "exercises[0].hiden: unknown key (did you mean 'hidden'?)"),
        (
            GOOD + "    stuff: 1\n",
            "exercises[0].stuff: unknown key (allowed: depends, functions, hidden, hidden_tests,",
        ),
        (GOOD.replace("points:", "pionts:"), "exercises[0].pionts: unknown key (did you mean 'points'?)"),
        (
            GOOD + "    hidden: tests/hiden/test_toy.py\n    hidden_tests: 3\n",
            "exercises[0].hidden: tests/hiden/test_toy.py does not exist",
        ),
        (GOOD + "layout: {solutions: solution}\n", "layout.solutions: solution does not exist"),
        (GOOD.replace("tests/test_toy.py", "tests/nope.py"), "exercises[0].public: tests/nope.py does not exist"),
        (GOOD + "    depends: [later]\n", "exercises[0].depends: 'later' is not an exercise listed before it"),
        (GOOD + "limits: {call_seconds: 0}\n", "limits.call_seconds: expected a positive number, got 0"),
        ("- just\n- a list\n", "top level: expected a mapping"),
    ],
)
def test_a_broken_course_yaml_is_named_in_one_line(tmp_path, yaml_text, expected):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_toy.py").write_text("")
    (tmp_path / "course.yaml").write_text(yaml_text)
    run = grade("check", cwd=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("grade: error: course.yaml")  # where the student is: no absolute path
    assert expected in lines[0]


def test_paths_below_the_working_directory_are_shown_from_it_with_the_systems_separator(tmp_path):
    """However a path was given (absolute here), a message shows it as typed from where grade runs."""
    missing = grade("check", str(tmp_path / "a" / "b"), "--course", str(ROOT), cwd=tmp_path)
    assert (missing.code, missing.stderr) == (2, f"grade: error: {os.path.join('a', 'b')} does not exist\n")
    course = tmp_path / "course"
    (course / "tests").mkdir(parents=True)
    (course / "tests" / "test_toy.py").write_text("")
    (course / "course.yaml").write_text(GOOD.replace("points: 10", "points: -1"))
    broken = grade("check", "--course", str(course), cwd=tmp_path)
    expected = f"grade: error: {os.path.join('course', 'course.yaml')}: exercises[0].points: expected a positive"
    assert broken.code == 2 and broken.stderr.startswith(expected), broken.stderr


def test_no_course_anywhere(tmp_path):
    run = grade("check", cwd=tmp_path)
    assert run.code == 2
    assert (
        run.stderr.strip() == f"grade: error: no course.yaml in {tmp_path} or any parent directory (use --course DIR)"
    )


def test_the_course_is_found_from_a_subdirectory():
    run = grade("check", "solutions", "-e", "differentiation", "--format", "json", cwd=ROOT / "tests")
    assert run.code == 2 and run.stderr == "grade: error: solutions does not exist\n"
    run = grade("check", "../solutions", "-e", "differentiation", "--format", "json", cwd=ROOT / "tests")
    assert run.code == 0, run.stderr
    assert [e["id"] for e in run.json()["exercises"]] == ["differentiation"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "no/such/dir"], f"grade: error: {os.path.join('no', 'such', 'dir')} does not exist"),
        (["check", "-e", "gradients"], "grade: error: no exercise 'gradients'"),
        (["check", "--format", "yaml"], "Invalid value for '--format'"),
        (["check", "course.yaml"], "course.yaml is not a directory of exercise modules"),
    ],
)
def test_bad_arguments(args, expected):
    run = grade(*args)
    assert run.code == 2
    assert expected in run.stderr
    assert "Traceback" not in run.stderr


COMMANDS = [
    ["check"],
    ["list"],
    ["validate"],
    ["batch", ".", "--out", "out"],
    ["release", "--out", "release"],
    ["publish", "--out", "published"],
    ["gradescope", "--out", "autograder.zip"],
    ["stubs"],
    ["hint", "toy"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_missing_hidden_suite_stops_every_command_in_one_line(tmp_path, command):
    """A typo in a hidden suite's path would grade out of fewer points than the course says."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_toy.py").write_text("def test_f(student):\n    assert student.f() == 1\n")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "toy.py").write_text("def f():\n    return 1\n")
    (tmp_path / "course.yaml").write_text(GOOD + "    hidden: tests/hiden/test_toy.py\n    hidden_tests: 3\n")
    run = grade(*command, cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == ("grade: error: course.yaml: exercises[0].hidden: tests/hiden/test_toy.py does not exist\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.yaml", "solutions", "tests"]


def test_an_exercise_given_as_the_path_suggests_dash_e():
    run = grade("check", "gradient")
    assert run.code == 2
    assert (
        run.stderr == "grade: error: gradient does not exist; to check the exercise gradient: grade check -e gradient\n"
    )


def test_ctrl_c_during_grading_says_interrupted_not_that_pytest_broke(toy_course):
    suite = """
        import os, signal, time

        def test_f(student):
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl+C does, while the suites run
            time.sleep(30)
    """
    root = toy_course(suite, {"toy": "def f(): return 1\n"})
    run = grade("check", "sub", cwd=root)
    assert (run.code, run.stdout, run.stderr) == (130, "", "grade: interrupted\n")


def test_a_course_module_outside_the_course_directory_is_refused(tmp_path):
    """The course's own files travel with it (to students, Gradescope, cluster workers): one outside cannot."""
    course = tmp_path / "course"
    (course / "tests").mkdir(parents=True)
    (course / "tests" / "test_toy.py").write_text("")
    (tmp_path / "outside.py").write_text("FUNCTIONS = {}\n")
    (course / "course.yaml").write_text(GOOD + "probes: ../outside.py\n")
    run = grade("check", cwd=course)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr == "grade: error: course.yaml: probes: ../outside.py is not a Python module of the course\n"
    (course / "course.yaml").write_text(GOOD + "helpers: [../outside.py]\n")
    run = grade("check", cwd=course)
    assert run.stderr == "grade: error: course.yaml: helpers[0]: ../outside.py is not a Python module of the course\n"
