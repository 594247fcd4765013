"""``--preset-provider`` is applied once, in the plan: the schema item checks what the render sends."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reelgate.plan import ProviderOverride, capability_diagnostics, requests_for_point
from reelgate.simulator import simulator_env
from tests.hostile.checking import check
from tests.suites import LENIENT, VALID, SuiteWriter

SIMULATOR = ProviderOverride(name="kling", base_url="http://127.0.0.1:8765")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "scenarios.yaml").write_text(LENIENT)
    return tmp_path


@pytest.mark.parametrize(("provider", "mode", "model"), [
    ("{name: kling, mode: pro}", "pro", "kling-v2-6"),  # same provider: its mode and model stay
    ("{name: kling, model: kling-v1-6}", None, "kling-v1-6"),
    ("{name: runway}", None, "kling-v2-6"),  # another provider: the override's default model, no mode
])
def test_the_override_keeps_what_still_applies(root: Path, provider: str, mode: str | None,
                                               model: str) -> None:
    result = check(root, VALID + f"provider: {provider}\nfailover: {{name: fal}}\n")
    assert result.preset is not None, result.report()
    (request,) = requests_for_point(result.preset, "mid", SIMULATOR)
    assert (request.provider, request.model, request.mode, request.failover) == ("kling", model, mode, None)


def test_the_schema_item_checks_the_mode_the_render_sends(root: Path, suite: SuiteWriter) -> None:
    text = VALID + "provider: {name: kling, mode: turbo}\n"
    result = check(root, text)
    assert result.preset is not None and result.located is not None
    (request,) = requests_for_point(result.preset, "mid", SIMULATOR)
    assert request.mode == "turbo"  # what the render would send under the README's recipe
    errors = [d.message for d in capability_diagnostics(result.preset, result.located, SIMULATOR)]
    assert any("not 'turbo'" in e for e in errors), errors
    suite.preset("cup.yaml", text)
    run = suite.pytester.runpytest("presets", "-p", "no:warnings", "--preset-provider", "kling",
                                   "--preset-provider-url", "http://127.0.0.1:9")
    run.assert_outcomes(failed=1)  # the schema item refuses it; nothing is rendered
    run.stdout.fnmatch_lines(["*provider.mode: kling kling-v2-6 has modes std, pro, not 'turbo'*"])


def test_the_recording_holds_the_request_the_plan_made(suite: SuiteWriter, simulator: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)  # the scenario's mode is std
    suite.preset("cup.yaml", VALID.replace("1080p", "720p"))
    suite.pytester.runpytest("presets", "-p", "no:warnings", "-k", "mid and not high",
                             "--preset-record=once", "--preset-provider", "kling",
                             "--preset-provider-url", simulator).assert_outcomes(passed=1, deselected=4)
    cassette = yaml.safe_load((suite.root / "cassettes" / "cup" / "mid.yaml").read_text())
    submit = next(i["request"] for i in cassette["interactions"] if i["request"]["method"] == "POST")
    assert '"mode": "std"' in submit["body"] or '"mode":"std"' in submit["body"]
