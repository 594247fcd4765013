"""A ``marks:`` entry that is not exactly valid is a schema error and applies no mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.checking import check
from tests.suites import VALID, SuiteWriter

BROKEN = VALID.replace("camera: slow push-in", "camera: slow spin")
BAD_MARKS = [
    ('[{xfail: {reason: "", bogus: 1}}]', "marks[0]"),
    ("[{xfail: {reason: known, only: schema}}]", "marks[0]"),
    ("[{xfail: {reason: known, only: {schema: 1}}}]", "marks[0]"),
    ("[{xfail: {reason: flaky, only: 5}}]", "marks[0]"),
    ("[{skip: {reason: flaky, only: [schema], strict: true}}]", "marks[0]"),
    ('[{xfail: ""}]', "marks[0]"),
    ("[{xfail: {reason: known, only: [schema]}}, {xfail: {reason: x, only: [nope]}}]", "marks[1]"),
]


@pytest.mark.parametrize(("marks", "field"), BAD_MARKS)
def test_invalid_marks_are_schema_errors_and_apply_nothing(root: Path, marks: str, field: str) -> None:
    result = check(root, BROKEN + f"marks: {marks}\n")
    assert result.marks == []
    assert any(e.field.startswith(field) and e.where.line == 10 for e in result.errors), \
        [e.headline(root) for e in result.errors]


@pytest.mark.parametrize(("marks", "field"), BAD_MARKS)
def test_an_invalid_mark_does_not_hide_the_files_errors(suite: SuiteWriter, marks: str, field: str) -> None:
    suite.preset("sneaker.yaml", BROKEN + f"marks: {marks}\n")
    result = suite.pytester.runpytest("presets", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    assert result.ret == 1
    assert any(line.startswith("presets/sneaker.yaml:10:") and f": {field}" in line
               for line in result.outlines), result.outlines
    assert "TypeError" not in result.stdout.str() and "Traceback" not in result.stdout.str()


def test_valid_marks_still_apply(suite: SuiteWriter) -> None:
    suite.preset("known.yaml", BROKEN + "marks: [{xfail: {reason: known drift, only: [schema]}}]\n")
    result = suite.pytester.runpytest("presets", "-p", "no:randomly", "-rx")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*known drift*"])


@pytest.mark.parametrize("value", ["!!python/object/apply:os.system [id]", "!!set {smoke: null}",
                                   "!custom [smoke]"])
def test_a_tagged_list_or_mapping_is_refused_not_read_as_marks(root: Path, value: str) -> None:
    result = check(root, VALID + f"marks: {value}\n")
    (error,) = result.errors
    assert "is not allowed in a preset" in error.message and error.where.line == 10
    assert result.marks == [] and result.preset is None
