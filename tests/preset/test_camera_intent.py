"""Camera intents in plain words: one move or moves made together, and a positioned diagnostic
for what a camera cannot do at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.preset.camera import CameraComponent, CameraIntent, CameraParseError, parse_camera
from reelgate.preset.check import PresetResult, check_preset
from reelgate.preset.scenarios import load_scenarios
from tests.suites import SCENARIOS, VALID


@pytest.mark.parametrize(
    ("text", "move", "speed", "also"),
    [
        ("gentle pan right", "pan-right", "gentle", ()),
        ("slow push-in with a gentle pan right", "push-in", "slow", (("pan-right", "gentle"),)),
        ("pan left and tilt up", "pan-left", None, (("tilt-up", None),)),
        ("moderate tilt up with a slow pull out", "tilt-up", "moderate", (("pull-out", "slow"),)),
        ("front-left tracking with a slow push-in", "tracking", None, (("push-in", "slow"),)),
        ("pan right, slow", "pan-right", "slow", ()),  # a speed word at the end is the move's
    ],
)
def test_moves_made_together_parse_into_components(
    text: str, move: str, speed: str | None, also: tuple[tuple[str, str | None], ...]
) -> None:
    intent = parse_camera(text)
    assert (intent.move, intent.speed) == (move, speed)
    assert tuple((part.move, part.speed) for part in intent.also) == also
    assert parse_camera(intent.describe()) == intent  # the canonical words parse back


def test_stability_covers_every_component() -> None:
    intent = parse_camera("handheld pan left and slow tilt up")
    assert intent.stability == "handheld"
    assert intent.components() == (
        CameraComponent(move="pan-left"),
        CameraComponent(move="tilt-up", speed="slow"),
    )
    assert intent.describe() == "handheld pan-left with slow tilt-up"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pan left and pan right", "pan-left and pan-right both move the picture sideways"),
        ("tracking with a pan left", "tracking and pan-left both move the picture sideways"),
        ("push in and pull out", "push-in and pull-out both move the picture in and out"),
        ("locked frame with a tilt up", "a locked frame cannot also tilt-up"),
        ("locked handheld", "a locked frame is not handheld"),
        ("steady handheld pan left", "both steady and handheld"),
        ("pan right and pan right", "'pan-right' is named twice"),
        ("slow gentle pan right", "several speed words in a row (slow, gentle)"),
        ("slow pan right and tilt up gentle fast", "several speed words in a row"),
        ("pan right then tilt up", "'then' in 'pan right then tilt up' orders moves in time"),
        ("front pan left and tilt up", "a position ('front') only goes with tracking or orbit"),
        ("with and", "no camera move"),
    ],
)
def test_what_cannot_be_made_at_once_is_explained(text: str, message: str) -> None:
    with pytest.raises(CameraParseError) as raised:
        parse_camera(text)
    assert message in str(raised.value)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "scenarios.yaml").write_text(SCENARIOS)
    return tmp_path


def _check(root: Path, camera: str) -> PresetResult:
    path = root / "presets" / "p.yaml"
    path.write_text(VALID.replace("camera: slow push-in", f"camera: {camera}"))
    return check_preset(path, load_scenarios(root / "presets" / "scenarios.yaml"), root)


def test_a_preset_takes_a_combined_intent_in_words_or_as_a_mapping(root: Path) -> None:
    words = _check(root, "slow push-in with a gentle pan right").preset
    assert words is not None
    assert words.camera.also == (CameraComponent(move="pan-right", speed="gentle"),)
    mapping = _check(root, "{move: push-in, speed: slow, also: [{move: pan-right, speed: gentle}]}")
    assert mapping.preset is not None and mapping.preset.camera == words.camera


@pytest.mark.parametrize(
    ("camera", "headline"),
    [
        ("pan left and pan right", "presets/p.yaml:7:9: camera: pan-left and pan-right both move "
         "the picture sideways in 'pan left and pan right'"),
        ("{move: locked, also: [{move: pan-left}]}", "presets/p.yaml:7:9: camera: a locked frame "
         "cannot also pan-left"),
    ],
)
def test_an_impossible_combination_is_a_positioned_diagnostic(
    root: Path, camera: str, headline: str
) -> None:
    result = _check(root, camera)
    assert result.preset is None
    lines = [d.headline(root) for d in result.errors]
    assert any(line.startswith(headline) for line in lines), lines


def test_an_intent_built_in_code_describes_its_components() -> None:
    intent = CameraIntent(move="tilt-up", speed="moderate",
                          also=(CameraComponent(move="pull-out", speed="gentle"),))
    assert intent.describe() == "moderate tilt-up with gentle pull-out"
