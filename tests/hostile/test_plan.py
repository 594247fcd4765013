"""The plan stage refuses what the provider would refuse, at the preset's own line."""

from __future__ import annotations

from pathlib import Path

from reelgate.plan import capability_diagnostics
from reelgate.preset.check import PresetResult
from tests.hostile.checking import check
from tests.suites import VALID, SuiteWriter

LONG_NEGATIVE = VALID.replace("negative_prompt: [flicker]",
                              "negative_prompt: [flicker, " + "x" * 2_495 + "]")


def plan_errors(result: PresetResult) -> list[tuple[str, int, str]]:
    assert result.preset is not None and result.located is not None, result.report()
    return [(d.field, d.where.line, d.message)
            for d in capability_diagnostics(result.preset, result.located) if d.severity == "error"]


def test_negative_prompt_over_klings_limit_is_a_positioned_error(root: Path) -> None:
    ((field, line, message),) = plan_errors(check(root, LONG_NEGATIVE))
    assert (field, line) == ("negative_prompt", 8)
    assert "at most 2,500 negative-prompt characters" in message and "2,504" in message
    at_limit = VALID.replace("[flicker]", "[flicker, " + "x" * 2_490 + "]")  # 2,499 joined
    assert plan_errors(check(root, at_limit)) == []


def test_unknown_failover_is_failover_name_at_its_line(root: Path) -> None:
    text = VALID + "failover: {name: nope}\n"
    ((field, line, message),) = plan_errors(check(root, text))
    assert (field, line) == ("failover.name", 10)
    assert "nope" in message
    unknown_primary = VALID + "provider: {name: nope}\n"
    assert [e[:2] for e in plan_errors(check(root, unknown_primary))] == [("provider.name", 10)]


def test_unknown_failover_fails_the_schema_item_only_without_traceback(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml", VALID + "failover: {name: nope}\n")
    suite.preset("mug.yaml", LONG_NEGATIVE)
    result = suite.pytester.runpytest("presets", "-p", "no:randomly")
    result.assert_outcomes(failed=2)  # nothing is rendered for a preset its provider refuses
    result.stdout.fnmatch_lines(["presets/cup.yaml:10:18: failover.name: *nope*",
                                 "presets/mug.yaml:8:*: negative_prompt: *at most 2,500*"])
    out = result.stdout.str()
    assert "PlanError" not in out and "Traceback" not in out and "provider.name" not in out
