"""The multi-shot contract: shots, shot_type, sound, end frames and elements in a preset file,
each mistake one diagnostic at its own line, and the request the plan builds from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.plan import capability_diagnostics, requests_for_point
from reelgate.preset.check import PresetResult, check_preset
from reelgate.preset.scenarios import load_scenarios
from tests.suites import SCENARIOS

MULTI = """\
version: 1
scenario: ad
prompt: an old man at a kitchen table at night
motion: {score: 3}
camera: slow push-in
output: {duration: 5, aspect_ratio: "16:9", resolution: 720p}
provider: {name: kling, model: kling-v3, mode: std}
sound: on
shots:
  - prompt: wide shot of the kitchen
    duration: 2
    camera: locked
  - prompt: close-up of his hands turning a letter
    duration: 3
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "scenarios.yaml").write_text(SCENARIOS)
    return tmp_path


def check(root: Path, text: str) -> PresetResult:
    path = root / "presets" / "p.yaml"
    path.write_text(text)
    return check_preset(path, load_scenarios(root / "presets" / "scenarios.yaml"), root)


def plan_errors(result: PresetResult) -> list[str]:
    assert result.preset is not None and result.located is not None
    return [f"{d.where.line}: {d.field}: {d.message}"
            for d in capability_diagnostics(result.preset, result.located)
            if d.severity == "error"]


def test_shots_resolve_into_timed_shots_and_the_request(root: Path) -> None:
    result = check(root, MULTI)
    assert result.errors == []
    preset = result.preset
    assert preset is not None
    assert [(s.index, s.start, s.end, s.camera.move) for s in preset.shots] == [
        (1, 0.0, 2.0, "locked"), (2, 2.0, 5.0, "push-in")]
    assert preset.boundaries() == [2.0] and preset.sound == "on"
    assert preset.shot_type == "customize"
    request = requests_for_point(preset, "mid")[0]
    assert [s.duration for s in request.shots] == [2.0, 3.0] and request.sound == "on"
    assert plan_errors(result) == []


@pytest.mark.parametrize(("change", "expected"), [
    (("    duration: 3\n", "    duration: 2\n"),
     "10: shots: the shots last 2 + 2 = 4 s, but output.duration is 5 s"),
    (("sound: on\n", "sound: on\nshot_type: intelligence\n"),
     "9: shot_type: intelligence lets the model choose where to cut"),
    (("    camera: locked\n", "    camera: barrel roll\n"), "12: shots[0].camera: unknown camera word"),
    (("    duration: 2\n", "    duration: 2.5\n"), "11: shots[0].duration: "),
    (("    duration: 2\n", "    duration: 0\n"), "11: shots[0].duration: "),
    (("sound: on\n", "sound: loud\n"), "8: sound: "),
])
def test_each_mistake_is_one_diagnostic_at_its_line(root: Path, change: tuple[str, str],
                                                     expected: str) -> None:
    result = check(root, MULTI.replace(*change, 1))
    found = [f"{d.where.line}: {d.field}: {d.message}" for d in result.errors]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_more_than_six_shots_is_refused(root: Path) -> None:
    seven = "".join(f"  - {{prompt: shot {i}, duration: 1}}\n" for i in range(7))
    text = MULTI.split("shots:\n")[0].replace("duration: 5,", "duration: 7,") + "shots:\n" + seven
    (error,) = check(root, text).errors
    assert error.field == "shots" and "6" in error.message


def test_capability_gaps_point_at_the_preset_lines(root: Path) -> None:
    single = check(root, MULTI.replace("model: kling-v3,", "model: kling-v2-6,"))
    assert plan_errors(single) == [
        "10: shots: kling kling-v2-6 renders a single shot; remove shots or pick a multi-shot "
        "model (Kling 3.0: kling kling-v3, kling-v3-omni)",
        "8: sound: kling kling-v2-6 renders sound in pro mode only; set provider.mode: pro "
        "(1080p) or sound: off"]


def test_an_end_frame_needs_a_first_frame(root: Path) -> None:
    (root / "presets" / "last.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    text = MULTI.replace("sound: on\n", "reference: {end_image: last.png, elements: [4]}\n")
    (error,) = check(root, text).errors
    assert error.field == "reference.end_image" and "needs a first frame" in error.message
