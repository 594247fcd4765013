"""Analyses travel with the media: a fresh clone replays from them without opening a video file,
and a stored analysis of another analyzer is never trusted nor silently overwritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import pytest
import yaml

from reelgate.analysis import ANALYZER_VERSION
from reelgate.run.travel import TravelStore

REPO = Path(__file__).resolve().parents[2]
# A multi-shot preset (its shots are analysed alone), and one whose reference video is gated.
EXAMPLES = {"narrative/kitchen-confession.yaml": "kitchen-confession", "product/sneaker-spin.yaml": "sneaker-spin"}


def fresh_clone(root: Path) -> None:
    """What ``git clone`` gives of two example presets: no ``.reelgate`` at all."""
    shutil.copy(REPO / "presets" / "scenarios.yaml", root / "presets")
    for folder in ("references", "base"):
        shutil.copytree(REPO / "presets" / folder, root / "presets" / folder)
    media = root / "cassettes" / "media"
    media.mkdir(parents=True)
    (root / "approved").mkdir()
    for example, preset in EXAMPLES.items():
        (root / "presets" / example).parent.mkdir(exist_ok=True)
        shutil.copy(REPO / "presets" / example, root / "presets" / example)
        shutil.copy(REPO / "approved" / f"{preset}.json", root / "approved")
        shutil.copytree(REPO / "cassettes" / preset, root / "cassettes" / preset)
        for cassette in (root / "cassettes" / preset).glob("*.yaml"):
            for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
                for name in interaction["response"]["headers"].get("x-reelgate-media", []):
                    shutil.copy(REPO / "cassettes" / "media" / name, media)
    for stored in (REPO / "cassettes" / "media").glob("*.analysis.json"):
        shutil.copy(stored, media)


def test_a_fresh_clone_replays_from_the_committed_analyses_and_opens_no_video(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    (pytester.path / "presets").mkdir()
    fresh_clone(pytester.path)
    before = {p.name: p.read_bytes() for p in (pytester.path / "cassettes" / "media").iterdir()}
    opened: list[str] = []
    real_open = av.open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(av, "open", spy)
    import reelgate.media

    hashed: list[str] = []
    real_digest = reelgate.media.file_digest

    def counted(path: Path) -> tuple[str, int]:
        hashed.append(Path(path).name)
        return real_digest(path)

    monkeypatch.setattr(reelgate.media, "file_digest", counted)
    result = pytester.runpytest_inprocess("presets", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=12)  # 3 schema (one an abstract base), reference, 6 sweep, 2 regression
    assert opened == []  # not stored (no decode check), probed, analysed, split or drawn
    # A rendered clip is hashed once, as the media store writes it, never again to judge it; only
    # files the run did not store are read for their hash (the reference video, the shots).
    assert not [name for name in hashed if name.endswith(".mp4") and len(name) == 68], hashed
    after = {p.name: p.read_bytes() for p in (pytester.path / "cassettes" / "media").iterdir()}
    assert after == before  # a replay that had every analysis writes none


def test_a_stored_analysis_of_another_analyzer_is_ignored_and_left_unless_refreshing(tmp_path: Path) -> None:
    stored = next(p for p in sorted((REPO / "cassettes" / "media").glob("*.analysis.json"))
                  if '"shots": {}' not in p.read_text())  # one with its shots, to keep them whole
    sha = stored.name.removesuffix(".analysis.json")
    facts = json.loads(stored.read_text())
    assert facts["analyzer"] == ANALYZER_VERSION, "re-run: pytest presets --preset-reanalyze"
    facts["analyzer"] = "0123456789ab"  # what a change to the analysis code gives
    old = json.dumps(facts)
    (tmp_path / stored.name).write_text(old)
    current = TravelStore(REPO / "cassettes" / "media").get(sha)
    assert current is not None and current.analysis is not None

    replay = TravelStore(tmp_path)
    assert replay.get(sha) is None and replay.foreign() == 1
    replay.add(sha, current.size, analysis=current.analysis)  # analysed again: the file stays
    assert (tmp_path / stored.name).read_text() == old

    recording = TravelStore(tmp_path, refresh=True)
    assert recording.get(sha) is None
    recording.add(sha, current.size, analysis=current.analysis, probe=current.probe)
    recording.add(sha, current.size, shots=dict(current.shots))
    rewritten = TravelStore(tmp_path).get(sha)
    assert rewritten is not None and rewritten.analyzer == ANALYZER_VERSION
    assert rewritten.analysis == current.analysis and rewritten.shots == current.shots

    assert TravelStore(tmp_path, reanalyze=True).get(sha) is None  # --preset-reanalyze reads nothing


@pytest.mark.parametrize("text", ["{not json", '{"format": 99}', "[]"])
def test_a_damaged_stored_analysis_is_analysed_again_not_an_error(tmp_path: Path, text: str) -> None:
    (tmp_path / f"{'a' * 64}.analysis.json").write_text(text)
    store = TravelStore(tmp_path)
    assert store.get("a" * 64) is None and store.foreign() == 1
    assert not store.vouches("a" * 64, 10)


def test_a_fresh_clone_replay_loads_no_decoder_nor_numerics(pytester: pytest.Pytester) -> None:
    """Judging stored analyses is plain Python: PyAV, NumPy and OpenCV (a third of a replay's
    start-up when they load) stay unloaded while nothing is decoded."""
    (pytester.path / "presets").mkdir()
    fresh_clone(pytester.path)
    pytester.makeconftest(
        "import sys\n"
        "def pytest_unconfigure(config):\n"
        "    loaded = [m for m in ('av', 'numpy', 'cv2') if m in sys.modules]\n"
        "    open('loaded.txt', 'w').write(' '.join(loaded))\n")
    result = pytester.runpytest_subprocess("presets", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=12)
    assert (pytester.path / "loaded.txt").read_text() == ""
