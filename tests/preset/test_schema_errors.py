"""Every class of preset error gives one positioned, worded diagnostic and never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.plan.checked import load_checked
from reelgate.preset.check import PresetResult, check_preset
from reelgate.preset.scenarios import load_scenarios
from tests.suites import SCENARIOS, VALID


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "scenarios.yaml").write_text(SCENARIOS)
    return tmp_path


def check(root: Path, text: str | bytes, name: str = "p.yaml") -> PresetResult:
    path = root / "presets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return check_preset(path, load_scenarios(root / "presets" / "scenarios.yaml"), root)


def headlines(result: PresetResult, root: Path) -> list[str]:
    return [d.headline(root) for d in result.errors]


def test_valid_preset_resolves(root: Path) -> None:
    result = check(root, VALID)
    assert result.errors == []
    preset = result.preset
    assert preset is not None
    assert preset.id == "p"
    assert preset.camera.move == "push-in" and preset.camera.speed == "slow"
    assert preset.sweep == {"low": 2, "mid": 4, "mid-high": 6}
    assert preset.provider.name == "kling"
    assert preset.prompt == "a ceramic cup. a sunlit kitchen."


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("version: 1", 'version: "1"'), "presets/p.yaml:1:10: version: expected a whole number, got the string '1'"),
        (("scenario: ad\n", ""), "presets/p.yaml:1:1: scenario: missing required field 'scenario'"),
        (("  scene:", "  scen:"), "presets/p.yaml:5:3: prompt.scen: unknown key 'scen' (did you mean 'scene'?)"),
        (("score: 3", "score: 11"), "presets/p.yaml:6:17: motion.score: 11 is out of range: must be at most 10"),
        (("score: 3", "score: 0.5"), "presets/p.yaml:6:17: motion.score: motion score 0.5 is outside the approved range [1, 7] of scenario 'ad'"),
        (("scenario: ad", "scenario: adx"), "presets/p.yaml:2:11: scenario: unknown scenario 'adx' (did you mean 'ad'?); scenarios.yaml defines: ad, product"),
        (("slow push-in", "slow spin"), "presets/p.yaml:7:9: camera: unknown camera word 'spin' in 'slow spin'"),
        (("resolution: 1080p", "resolution: 1080"), "presets/p.yaml:9:57: output.resolution: 1080 is not allowed (did you mean '1080p'?)"),
        (('"16:9"', '"5:4"'), "presets/p.yaml:9:37: output.aspect_ratio: '5:4' is not allowed"),
        (("seed: 1", "seed: -3"), "presets/p.yaml:9:70: output.seed: -3 is out of range: must be at least 0"),
        (("[flicker]", "[flicker, 4]"), "presets/p.yaml:8:28: negative_prompt[1]: expected a string, got int 4"),
    ],
)
def test_each_error_is_positioned_and_explained(root: Path, change: tuple[str, str], expected: str) -> None:
    result = check(root, VALID.replace(*change))
    lines = headlines(result, root)
    assert any(line.startswith(expected) for line in lines), lines
    assert result.preset is None


def test_all_errors_of_a_preset_are_reported_at_once(root: Path) -> None:
    text = VALID.replace("scenario: ad", "scenario: adx").replace("slow push-in", "slow spin")
    text = text.replace("seed: 1", "seed: -1") + "colour: red\n"
    result = check(root, text)
    fields = [d.field for d in result.errors]
    assert fields == ["scenario", "camera", "output.seed", "colour"]
    report = result.report(root)
    assert "   10 | colour: red\n" in report and "^" in report


def test_camera_vocabulary_is_listed(root: Path) -> None:
    message = check(root, VALID.replace("slow push-in", "swoop")).errors[0].message
    for word in ("pan left|right", "push-in", "orbit left|right", "slow", "gentle", "moderate", "fast"):
        assert word in message
    assert "scenario templates: hero-push" in message


def test_camera_templates_and_structured_camera(root: Path) -> None:
    preset = check(root, VALID.replace("slow push-in", "hero-push")).preset
    assert preset is not None and preset.camera.move == "push-in"
    structured = VALID.replace("camera: slow push-in", "camera: {move: tracking, position: front-left}")
    preset = check(root, structured).preset
    assert preset is not None and preset.camera.position == "front-left"
    bad = VALID.replace("camera: slow push-in", "camera: {move: locked, speed: fast}")
    assert "a locked frame has no speed" in check(root, bad).errors[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nprompt: [a\n", "YAML syntax error"),
        ("version: 1\n  prompt: a\n", "YAML syntax error"),
        ("a: 'unterminated\n", "YAML syntax error"),
        ("key: @bad\n", "YAML syntax error"),
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("- a\n- b\n", "this file holds a list"),
        ("just a string\n", "this file holds the string"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("? [a, b]\n: 1\n", "a mapping key must be a plain word"),
        ("a: &x [*x]\n", "refers to itself"),
    ],
)
def test_unreadable_files_fail_cleanly(root: Path, text: str, expected: str) -> None:
    result = check(root, text)
    assert len(result.errors) == 1
    assert expected in result.errors[0].message
    assert result.errors[0].where.line >= 1


def test_non_utf8_bytes_are_positioned(root: Path) -> None:
    result = check(root, b"version: 1\nprompt: caf\xe9\n")
    (error,) = result.errors
    assert (error.where.line, error.where.col) == (2, 12)
    assert "not UTF-8" in error.message


def test_alias_bomb_is_refused_quickly(root: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    result = check(root, "\n".join(lines) + "\n")
    assert "alias bomb" in result.errors[0].message


def test_huge_file_is_refused(root: Path) -> None:
    result = check(root, "description: " + "x" * 1_100_000 + "\n")
    assert "a preset may be at most" in result.errors[0].message


def test_unquoted_aspect_ratio_stays_a_string(root: Path) -> None:
    preset = check(root, VALID.replace('"16:9"', "16:9")).preset
    assert preset is not None and preset.output.aspect_ratio == "16:9"


def test_extends_merges_deeply_and_reports_in_the_right_file(root: Path) -> None:
    check(root, "abstract: true\nscenario: ad\nprompt: {scene: a kitchen}\n"
          "output: {duration: 5, aspect_ratio: '16:9', resolution: 720p}\n", "base/b.yaml")
    child = ("version: 2\nextends: ../base/b.yaml\nprompt: {subject: a cup}\nmotion: {score: 3}\n"
             "camera: gentle pan left\noutput: {seed: 7}\n")
    preset = check(root, child, "ad/c.yaml").preset
    assert preset is not None
    assert preset.prompt_layers == {"subject": "a cup", "scene": "a kitchen"}
    assert preset.output.resolution == "720p" and preset.output.seed == 7
    broken_base = check(root, "abstract: true\nscenario: ad\noutput: {duration: -5}\n", "base/b.yaml")
    assert broken_base.errors[0].headline(root).startswith("presets/base/b.yaml:3:20: output.duration")
    result = check(root, child, "ad/c.yaml")
    duration = [e for e in result.errors if e.field == "output.duration"]
    assert duration[0].where.path.name == "b.yaml"  # the value came from the base file


def test_broken_extends(root: Path) -> None:
    missing = check(root, VALID + "extends: nowhere.yaml\n")
    assert "file not found: 'nowhere.yaml'" in missing.errors[0].message
    assert missing.errors[0].where.line == 10
    check(root, "extends: two.yaml\n", "one.yaml")
    cycle = check(root, "extends: one.yaml\n", "two.yaml")
    assert "extends cycle: two.yaml -> one.yaml -> two.yaml" in cycle.errors[0].message


def test_reference_files_must_exist_inside_the_repository(root: Path) -> None:
    missing = check(root, VALID + "reference: {video: clips/none.mp4}\n")
    assert "file not found: 'clips/none.mp4'" in missing.errors[0].message
    escape = check(root, VALID + "reference: {video: ../../../etc/passwd}\n")
    assert "resolves outside the repository" in escape.errors[0].message
    plain_http = check(root, VALID + "reference: {video: 'http://example.com/a.mp4'}\n")
    assert "only local paths and https:// URLs" in plain_http.errors[0].message
    (root / "presets" / "clip.mp4").write_bytes(b"x")
    ok = check(root, VALID + "reference: {video: clip.mp4, image: 'https://cdn.example.com/i.png'}\n")
    assert ok.preset is not None and ok.preset.reference_video == str(root / "presets" / "clip.mp4")
    empty = check(root, VALID + "reference: {}\n")
    assert "needs at least one of: video, image" in empty.errors[0].message


def test_duplicate_ids_across_files(root: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (root / "presets" / name).write_text("id: same\n" + VALID)
    suite = load_checked(root, [root / "presets"], root / "presets" / "scenarios.yaml", memo=False)
    for name in ("a.yaml", "b.yaml"):
        result = suite.results[(root / "presets" / name).resolve()]
        assert "duplicate preset id 'same'" in result.errors[0].message
        assert result.preset is None


def test_broken_scenarios_file_is_reported_on_every_preset(root: Path) -> None:
    (root / "presets" / "scenarios.yaml").write_text("scenarios:\n  ad: {motion_range: [1]}\n")
    result = check(root, VALID)
    assert result.errors[0].where.path.name == "scenarios.yaml"


def test_min_usable_needs_enough_repeats(root: Path) -> None:
    result = check(root, VALID + "repeats: 2\nmin_usable: 3\n")
    assert "min_usable 3 needs at least as many repeats" in result.errors[0].message
    assert check(root, VALID + "repeats: 4\nmin_usable: 0.75\n").preset is not None


def test_sweep_override_is_checked_against_the_range(root: Path) -> None:
    result = check(root, VALID + "sweep: [2, 9, 5]\n")
    messages = [e.message for e in result.errors]
    assert any("sweep score 9 is outside" in m for m in messages)
    assert any("must rise strictly" in m for m in messages)


def test_scenario_thresholds_are_overridable(root: Path) -> None:
    result = check(root, VALID + "thresholds: {rubric: {min_subject: 0.9}}\n")
    assert result.preset is not None
    assert result.preset.thresholds.rubric.min_subject == 0.9
    assert result.preset.thresholds.rubric.min_continuity == 0.8  # the scenario's default stays
