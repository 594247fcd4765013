"""The cassette file: vcrpy's format written through vcrpy's public API, plus a typed, versioned
``reelgate`` block; committed cassettes read and write back unchanged, foreign ones fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import vcr
from vcr.serializers import yamlserializer

from reelgate.cassettes.errors import BrokenCassette
from reelgate.cassettes.format import ANALYSIS_SUFFIX, Cassette, load_cassette, save_cassette
from reelgate.cassettes.meta import CASSETTE_FORMAT

REPO = Path(__file__).resolve().parents[2]
COMMITTED = sorted(p for p in (REPO / "cassettes").rglob("*.yaml") if "media" not in p.parts)
# What a committed cassette recorded before the block carried a format version gains when
# written again (those hold exactly version 1's fields); one recorded since has it already.
FORMAT_LINE = f"  format: {CASSETTE_FORMAT}\n"


def test_committed_cassettes_write_back_as_they_are_plus_the_format_line(tmp_path: Path) -> None:
    assert COMMITTED, "the example suite's cassettes are missing"
    media = REPO / "cassettes" / "media"
    for path in COMMITTED:
        original = path.read_text(encoding="utf-8")
        loaded = load_cassette(path, media)
        assert loaded.meta.key == str(path.relative_to(REPO / "cassettes").with_suffix(""))
        copy = tmp_path / "cassettes" / path.relative_to(REPO / "cassettes")
        save_cassette(Cassette(copy, loaded.meta, loaded.interactions), tmp_path / "cassettes" / "media", env={})
        written = copy.read_text(encoding="utf-8")
        before, after = original.split("\nreelgate:\n"), written.split("\nreelgate:\n")
        assert after[0] == before[0], f"{path.name}: the interactions changed"  # byte for byte
        assert FORMAT_LINE in after[1]
        assert after[1].replace(FORMAT_LINE, "", 1) == before[1].replace(FORMAT_LINE, "", 1), (
            f"{path.name}: the reelgate block changed")
        again = load_cassette(copy, tmp_path / "cassettes" / "media")
        assert again.meta == loaded.meta and [i.key for i in again.interactions] == [
            i.key for i in loaded.interactions]
    clips = sorted(p.name for p in media.iterdir() if not p.name.endswith(ANALYSIS_SUFFIX))
    assert sorted(p.name for p in (tmp_path / "cassettes" / "media").iterdir()) == clips  # analyses travel apart


def test_vcrpy_itself_reads_a_written_cassette(tmp_path: Path) -> None:
    source = REPO / "cassettes" / "city-runner" / "mid.yaml"
    loaded = load_cassette(source, REPO / "cassettes" / "media")
    target = tmp_path / "mid.yaml"
    save_cassette(Cassette(target, loaded.meta, loaded.interactions), tmp_path / "media", env={})
    cassette = vcr.cassette.Cassette.load(path=str(target), record_mode="none")
    assert [(r.method, r.uri) for r in cassette.requests] == [
        (i.request.method, i.request.uri) for i in loaded.interactions]
    assert cassette.requests[0].body == loaded.interactions[0].request.body


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    """A copy of a committed cassette with its media, to damage."""
    target = tmp_path / "cassettes" / "city-runner" / "mid.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(REPO / "cassettes" / "city-runner" / "mid.yaml", target)
    shutil.copytree(REPO / "cassettes" / "media", tmp_path / "cassettes" / "media")
    return target


def _edit(path: Path, change: object) -> None:
    data = yamlserializer.deserialize(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yamlserializer.serialize(data))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("reelgate"), r"a vcrpy cassette without reelgate's 'reelgate' block \(not recorded by "
                                  r"reelgate, so it answers no known render\); re-record it with "
                                  r"--preset-record=rewrite$"),
    (lambda d: d.update(version=2), r"vcrpy cassette version 2, reelgate reads version 1; re-record"),
    (lambda d: d.update(reelgate=["a", "list"]), r"reelgate: a list, not a mapping; re-record"),
    (lambda d: d["reelgate"].update(format=2), r"cassette format 2 is newer than this reelgate reads \(1\); "
                                               r"upgrade pytest-reelgate; re-record"),
    (lambda d: d["reelgate"].update(format=0), r"cassette format 0 is older than this reelgate reads \(1\); "
                                               r"re-record it with --preset-record=rewrite$"),
    (lambda d: d["reelgate"].update(format="one"), r"reelgate.format 'one' is not a format version"),
    (lambda d: d["reelgate"].update(fingerprint=12), r"reelgate.fingerprint: input should be a valid string, "
                                                     r"got 12; restore it \(git checkout\) or re-record"),
    (lambda d: d["reelgate"].pop("key"), r"reelgate.key: field required; restore it"),
    (lambda d: d["reelgate"].update(fingerprnt="x"), r"reelgate.fingerprnt: extra inputs are not permitted"),
    (lambda d: d["interactions"][0].update(request="GET /"), r"interaction 1 is malformed \(TypeError"),
])
def test_an_old_or_foreign_cassette_is_one_line_naming_it_and_the_fix(cassette: Path, change: object,
                                                                       message: str) -> None:
    _edit(cassette, change)
    with pytest.raises(BrokenCassette, match=message) as caught:
        load_cassette(cassette, cassette.parents[1] / "media")
    assert str(caught.value).startswith(f"{cassette}: ") and "\n" not in str(caught.value)


def test_a_warm_replay_reads_the_kept_parse_and_an_edited_cassette_is_parsed_anew(
        cassette: Path, tmp_path: Path) -> None:
    """PyYAML's constructor is the largest share of a replayed item's cost: each cassette text is
    parsed once and its parse kept (keyed by the text's hash) for the next run."""
    media, kept = cassette.parent.parent / "media", tmp_path / "parsed"
    fresh = load_cassette(cassette, media, kept)
    stored = list(kept.iterdir())
    assert len(stored) == 1
    again = load_cassette(cassette, media, kept)
    assert again.meta == fresh.meta and again.meta == load_cassette(cassette, media).meta
    assert [(i.request.uri, i.response) for i in again.interactions] == [
        (i.request.uri, i.response) for i in fresh.interactions]
    _edit(cassette, lambda d: d["reelgate"].update(fingerprnt="x"))  # the kept parse is not used
    with pytest.raises(BrokenCassette, match="fingerprnt"):
        load_cassette(cassette, media, kept)
    stored[0].write_text("{ not json")  # a damaged kept parse is parsed anew from the YAML
    shutil.copy(REPO / "cassettes" / "city-runner" / "mid.yaml", cassette)
    assert load_cassette(cassette, media, kept).meta == fresh.meta
