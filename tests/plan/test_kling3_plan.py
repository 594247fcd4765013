"""Kling 3.0 gaps the plan finds before any render: shots fal cannot take, voices, and one
field-name style (``shots[0].prompt``) for schema and capability diagnostics alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.cli import main
from reelgate.plan import requests_for_point
from reelgate.providers.kling import KlingProvider
from tests.preset.test_multishot import MULTI, check, plan_errors, root

__all__ = ["root"]  # the fixture, shared with the preset tests

FAL_V3 = "failover: {name: fal, model: fal-ai/kling-video/v3/standard/text-to-video}\n"


def test_a_shot_under_3_s_with_fal_as_failover_is_an_error_at_the_shot(root: Path) -> None:
    result = check(root, MULTI + FAL_V3)  # shots of 2 + 3 s
    assert plan_errors(result) == [
        "11: failover.shots[0].duration: fal fal-ai/kling-video/v3/standard/text-to-video "
        "takes shots of 3 to 15 s, not 2 s (shot 1); make it 3 s or longer, with the shots "
        "still summing to output.duration, or pick a model that takes it"]


def test_a_shot_under_3_s_with_fal_as_provider_names_the_shot_field(root: Path) -> None:
    text = MULTI.replace("provider: {name: kling, model: kling-v3, mode: std}",
                         "provider: {name: fal, model: fal-ai/kling-video/v3/standard/text-to-video}")
    (error,) = plan_errors(check(root, text))
    assert error.startswith("11: shots[0].duration: fal fal-ai/kling-video/v3/standard/text-to-video "
                            "takes shots of 3 to 15 s, not 2 s")


def test_shots_fal_takes_pass_and_reelgate_check_prints_the_position(
        root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fine = MULTI.replace("    duration: 2\n", "    duration: 3\n").replace(
        "duration: 5,", "duration: 6,")
    assert plan_errors(check(root, fine + FAL_V3)) == []
    path = root / "presets" / "p.yaml"
    path.write_text(MULTI + FAL_V3)
    monkeypatch.chdir(root)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr()
    assert "p.yaml:11:" in out.out + out.err and "failover.shots[0].duration" in out.out + out.err


def test_a_capability_error_in_a_shot_uses_the_schema_errors_field_style(root: Path) -> None:
    long = "x" * 500  # within the schema's 512, over Kling's with the camera words added
    result = check(root, MULTI.replace("wide shot of the kitchen", long))
    # one per sweep point (each adds its own motion words)
    assert {tuple(e.split(":", 2)[:2]) for e in plan_errors(result)} == {("10", " shots[0].prompt")}


VOICED = MULTI.replace("  - prompt: wide shot of the kitchen",
                       "  - prompt: wide shot of the kitchen, <<<voice_1>>> hums") + (
    "voices: [829412345678]\n")  # a bare number: read as its digits


def test_voices_reach_the_request_and_kling_voice_list(root: Path) -> None:
    result = check(root, VOICED)
    assert result.errors == [] and plan_errors(result) == []
    assert result.preset is not None and result.preset.voices == ("829412345678",)
    request = requests_for_point(result.preset, "mid")[0]
    body = KlingProvider(()).build_submit(request).json or {}
    assert body["voice_list"] == [{"voice_id": "829412345678"}] and body["sound"] == "on"


@pytest.mark.parametrize(("change", "expected"), [
    (("sound: on\n", "sound: off\n"), "15: voices: voices speak only with sound: on"),
    (("<<<voice_1>>> hums", "hums"), "15: voices[0]: voice 1 (829412345678) is not named in any "
                                     "shot's prompt; write <<<voice_1>>> where it speaks"),
    (("voices: [829412345678]", "voices: [a, b, c]"), "15: voices: "),
])
def test_voice_mistakes_are_positioned(root: Path, change: tuple[str, str], expected: str) -> None:
    result = check(root, VOICED.replace(*change, 1))
    found = [f"{d.where.line}: {d.field}: {d.message}" for d in result.errors]
    assert any(f.startswith(expected) for f in found), found


@pytest.mark.parametrize(("provider", "expected"), [
    ("{name: kling, model: kling-v3-omni, mode: std}", "kling kling-v3-omni takes no voices"),
    ("{name: replicate, model: kwaivgi/kling-v2.6}", "takes no voices, not 1"),
])
def test_a_model_without_voices_is_a_capability_error(root: Path, provider: str,
                                                      expected: str) -> None:
    text = VOICED.replace("{name: kling, model: kling-v3, mode: std}", provider)
    errors = plan_errors(check(root, text))
    assert any(": voices: " in e and expected in e for e in errors), errors
