"""A warm replay takes each render's result from the memo of an earlier replay, and plays the
cassette again whenever anything the replay read has changed."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from reelgate.records import open_ledger
from reelgate.run.replayed import MEMO_DIR
from tests.run.test_travel import fresh_clone

CONFTEST = (  # each run notes how many cassettes it played, after the summary is written
    "import reelgate.cassettes.recorder as f\n"
    "played = []\n"
    "real = f.load_cassette\n"
    "def counted(*a, **k):\n"
    "    played.append(a[0])\n"
    "    return real(*a, **k)\n"
    "f.load_cassette = counted\n"
    "def pytest_unconfigure(config):\n"
    "    open('played.txt', 'a').write(f'{len(played)} ')\n"
)


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("presets", "-p", "no:cacheprovider", *args)


def _summary(result: pytest.RunResult) -> str:
    return next(line for line in result.outlines if line.startswith("reelgate: ") and "renders" in line)


def _played(pytester: pytest.Pytester) -> list[int]:
    return [int(n) for n in (pytester.path / "played.txt").read_text().split()]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "presets").mkdir()
    fresh_clone(pytester.path)
    pytester.makeconftest(CONFTEST)
    return pytester


def test_a_second_replay_plays_no_cassette_and_reports_and_logs_the_same(project: pytest.Pytester) -> None:
    first, second = _run(project), _run(project)
    first.assert_outcomes(passed=12)
    second.assert_outcomes(passed=12)
    assert _played(project) == [12, 0]  # 12 renders: all played once, then none
    assert _summary(second) == _summary(first)  # "12 renders replayed from cassettes, ..."
    assert re.search(r"12 renders replayed .*recorded cost \$\d", _summary(second))
    with open_ledger(project.path / ".reelgate" / "ledger.sqlite") as ledger:
        rows = ledger.rows()
    by_run: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:  # every render logged by each run, alike (replayed, its verdict and cost)
        by_run.setdefault(row.run_id, []).append(
            (row.preset_id, row.sweep_point, row.repeat, row.source, row.replayed, row.verdict, row.cost_usd))
    first_rows, second_rows = (sorted(v) for v in by_run.values())
    assert len(first_rows) == 12 and first_rows == second_rows
    assert {row[3] for row in first_rows} == {"replayed"}


def test_an_edited_cassette_is_played_again(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=12)
    cassette = next((project.path / "cassettes").glob("*/*.yaml"))
    cassette.write_text(cassette.read_text() + "# reviewed\n")  # other bytes, the same recording
    _run(project).assert_outcomes(passed=12)
    assert _played(project) == [12, 1]


def test_damaged_media_is_caught_after_a_warm_run(project: pytest.Pytester) -> None:
    """A committed clip's bytes changed: the memo does not vouch for them, and the replay's own
    hash check refuses the render, as on a fresh clone (its point is one clip short)."""
    _run(project).assert_outcomes(passed=12)
    media = project.path / "cassettes" / "media"
    cassette = project.path / "cassettes" / "sneaker-spin" / "mid-1.yaml"
    [name] = (n for n in re.findall(r"[0-9a-f]{64}\.mp4", cassette.read_text()))
    data = bytearray((media / name).read_bytes())
    data[-100] ^= 0xFF
    (media / name).write_bytes(bytes(data))
    result = _run(project)
    assert result.ret != 0
    assert "11 renders replayed" in _summary(result)
    assert _played(project) == [12, 1]


def test_a_changed_preset_is_a_stale_recording_not_a_remembered_one(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=12)
    preset = project.path / "presets" / "product" / "sneaker-spin.yaml"
    text = preset.read_text()
    assert "subject: " in text
    preset.write_text(text.replace("subject: ", "subject: a red ", 1))  # the request changes
    result = _run(project)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*stale recording*"])


@pytest.mark.parametrize("damage", [b"", b"\x80not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_memo_is_ignored_and_written_anew(project: pytest.Pytester, damage: bytes) -> None:
    _run(project).assert_outcomes(passed=12)
    [memo] = (project.path / MEMO_DIR).glob("*.pickle")
    memo.write_bytes(damage)
    _run(project).assert_outcomes(passed=12)
    _run(project).assert_outcomes(passed=12)
    assert _played(project) == [12, 12, 0]


def test_a_clip_gone_from_the_media_store_is_played_again(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=12)
    store = project.path / ".reelgate" / "media"
    clips = [p for p in store.rglob("*") if p.is_file()] if store.is_dir() else []
    assert clips, f"no stored clips under {store}"
    clips[0].unlink()
    _run(project).assert_outcomes(passed=12)
    assert _played(project) == [12, 1]


def _memo_keys(pytester: pytest.Pytester) -> set[str]:
    [memo] = (pytester.path / MEMO_DIR).glob("*.pickle")
    return set(pickle.loads(memo.read_bytes()))


def test_a_deleted_presets_renders_leave_the_memo(project: pytest.Pytester) -> None:
    """The memo does not grow with presets that are gone: a save drops every entry whose
    cassette no longer exists."""
    _run(project).assert_outcomes(passed=12)
    assert any(key.startswith("sneaker-spin/") for key in _memo_keys(project))
    (project.path / "presets" / "product" / "sneaker-spin.yaml").unlink()
    shutil.rmtree(project.path / "cassettes" / "sneaker-spin")
    kept = next(p for p in (project.path / "cassettes").glob("*/*.yaml"))
    kept.write_text(kept.read_text() + "# reviewed\n")  # played again: this run saves the memo
    _run(project)
    keys = _memo_keys(project)
    assert keys and not any(key.startswith("sneaker-spin/") for key in keys)


@pytest.mark.parametrize("mode", ["once", "new_episodes", "all", "rewrite"])
def test_a_recording_run_neither_reads_nor_keeps_replays(tmp_path: Path, mode: str) -> None:
    """A run that may record goes through the provider for every render: what it plays or
    records is never taken from, nor put in, the memo."""
    from reelgate.cassettes import Recorder
    from reelgate.run.config import RunConfig
    from reelgate.run.hub import _replay_memo

    conf = RunConfig(root=tmp_path, preset_paths=(), scenarios=tmp_path / "scenarios.yaml",
                     cassettes=tmp_path / "cassettes", approved=tmp_path / "approved", record=mode)
    assert _replay_memo(conf, Recorder(conf.cassettes, mode).media_dir) is None
    replaying = RunConfig(root=tmp_path, preset_paths=(), scenarios=tmp_path / "scenarios.yaml",
                          cassettes=tmp_path / "cassettes", approved=tmp_path / "approved")
    assert _replay_memo(replaying, Recorder(replaying.cassettes).media_dir) is not None
