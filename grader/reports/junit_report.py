"""JUnit XML as pytest writes it: one testsuite per exercise, one testcase per test."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.model.results import GradeReport


def render(report: GradeReport, color: bool = False) -> str:
    root = ET.Element("testsuites", name=report.title, tests=str(sum(len(e.tests) for e in report.exercises)))
    for exercise in report.exercises:
        failures = sum(t.status == "failed" for t in exercise.tests)
        errors = sum(t.status in ("error", "timeout") for t in exercise.tests)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=exercise.id,
            tests=str(len(exercise.tests)),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
            time=f"{sum(t.duration for t in exercise.tests):.3f}",
        )
        ET.SubElement(
            ET.SubElement(suite, "properties"),
            "property",
            name="score",
            value=f"{exercise.score:g}/{exercise.max_score:g}",
        )
        for test in exercise.tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{exercise.id}.{test.visibility}",
                name=test.name,
                time=f"{test.duration:.3f}",
            )
            if test.status == "failed":
                ET.SubElement(case, "failure", message=test.message).text = test.message
            elif test.status != "passed":
                ET.SubElement(case, "error", message=test.message, type=test.status).text = test.message
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
