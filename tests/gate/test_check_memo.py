"""The memo of checks: a second run collects unchanged preset files without checking them again,
and whatever a check read (the file, what it extends, the scenarios file, a local reference)
changing makes it check again."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from reelgate.preset import memo as memo_module
from reelgate.preset.memo import MEMO_DIR, CheckMemo, Outline
from tests.suites import SCENARIOS, VALID, SuiteWriter


def schema_run(suite: SuiteWriter) -> pytest.RunResult:
    """A real run of the schema items only: it renders nothing, and leaves the memo."""
    return suite.pytester.runpytest("presets", "-k", "schema", "-p", "no:cacheprovider")


def memo_files(suite: SuiteWriter) -> list[Path]:
    return sorted((suite.root / MEMO_DIR).glob("*.pickle"))


def test_collection_from_the_memo_loads_no_check(suite: SuiteWriter) -> None:
    """In a fresh process: the check, the preset's model and the providers stay unloaded."""
    suite.preset("cup.yaml")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    assert len(memo_files(suite)) == 1
    suite.pytester.makeconftest(
        "import sys\n"
        "def pytest_unconfigure(config):\n"
        "    loaded = [m for m in ('reelgate.preset.check', 'reelgate.preset.model',\n"
        "              'reelgate.providers', 'jsonschema') if m in sys.modules]\n"
        "    open('loaded.txt', 'w').write(' '.join(loaded))\n")
    result = suite.pytester.runpytest_subprocess("presets", "--co", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["presets/cup.yaml::sweep[[]mid[]]", "5 tests collected*"])
    assert (suite.root / "loaded.txt").read_text() == ""


def test_collect_only_writes_no_memo(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    suite.pytester.runpytest("presets", "--co", "-q", "-p", "no:cacheprovider").assert_outcomes()
    assert memo_files(suite) == []


def test_an_edited_preset_is_checked_again(suite: SuiteWriter) -> None:
    path = suite.preset("cup.yaml")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    path.write_text(VALID.replace("score: 3", "score: 9"))
    result = schema_run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*cup.yaml:6:*motion score 9 is outside*"])
    path.write_text(VALID)
    schema_run(suite).assert_outcomes(passed=1, deselected=4)


def test_an_edited_base_is_checked_again(suite: SuiteWriter) -> None:
    suite.preset("base.yaml", VALID.replace("version: 1\n", "version: 1\nabstract: true\n"))
    suite.preset("cup.yaml", "extends: base.yaml\nid: cup\n")
    schema_run(suite).assert_outcomes(passed=2, deselected=4)
    suite.preset("base.yaml", VALID.replace("version: 1\n", "version: 1\nabstract: true\n")
                 .replace("scenario: ad", "scenario: advert"))
    result = schema_run(suite)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*unknown scenario 'advert'*"])


def test_an_edited_scenarios_file_is_checked_again(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    (suite.root / "presets" / "scenarios.yaml").write_text(
        SCENARIOS.replace("motion_range: [1, 7]", "motion_range: [4, 7]")
        .replace("sweep: [2, 4, 6]", "sweep: [4, 5, 6]", 1))
    result = schema_run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*motion score 3*"])


def test_a_removed_reference_is_checked_again(suite: SuiteWriter) -> None:
    clip = suite.root / "presets" / "references" / "cup.png"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"\0" * 64)  # the schema item asks only for a regular image file
    suite.preset("cup.yaml", VALID + "reference: {image: references/cup.png}\n")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    clip.unlink()
    result = schema_run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*reference.image*cup.png*"])


def test_a_duplicate_id_is_seen_in_a_file_from_the_memo(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    mug = suite.preset("mug.yaml", VALID.replace("ceramic cup", "stoneware mug"))
    schema_run(suite).assert_outcomes(passed=2, deselected=8)
    mug.write_text("id: cup\n" + VALID)  # cup.yaml is unchanged: its check comes from the memo
    result = schema_run(suite)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*duplicate preset id 'cup', also used by presets/mug.yaml*"])


def test_a_damaged_memo_is_ignored_and_written_again(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    (memo,) = memo_files(suite)
    memo.write_bytes(b"\x80\x05 not a pickle")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    assert memo.read_bytes().startswith(b"\x80") and len(memo.read_bytes()) > 100


def test_a_reference_that_comes_to_link_out_of_the_project_is_checked_again(
        suite: SuiteWriter, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Same name, same size: only where it resolves changed, and the check refuses that."""
    clip = suite.root / "presets" / "references" / "cup.png"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"\0" * 64)
    suite.preset("cup.yaml", VALID + "reference: {image: references/cup.png}\n")
    schema_run(suite).assert_outcomes(passed=1, deselected=4)
    outside = tmp_path_factory.mktemp("elsewhere") / "cup.png"
    outside.write_bytes(b"\0" * 64)
    clip.unlink()
    clip.symlink_to(outside)
    result = schema_run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*reference.image*outside*"])


# The stamps: an unchanged stamp vouches for a file unread, anything else reads it again.

AN_HOUR_NS = 3_600 * 10**9
OUTLINE = Outline("cup", 1, False, True, ("schema", "sweep[low]"), ())


def kept_memo(tmp_path: Path, text: str, age_ns: int) -> tuple[Path, Path]:
    """A memo holding one check of ``cup.yaml``, written ``age_ns`` before it was read."""
    source = tmp_path / "cup.yaml"
    source.write_text(text)
    mtime = time.time_ns() - age_ns
    os.utime(source, ns=(mtime, mtime))
    memo = CheckMemo(tmp_path / "memo", "identity")
    memo.keep(source, memo.inputs([source], []), OUTLINE, "the check")
    memo.save({source})
    return source, memo.path


def reread(memo_path: Path, source: Path) -> tuple[CheckMemo, object]:
    memo = CheckMemo(memo_path.parent, "identity")
    return memo, memo.lookup(source)


def kept_stamp(memo_path: Path, source: Path) -> object:
    inputs, _outline, _blob = pickle.loads(memo_path.read_bytes())[str(source)]
    return inputs.sources[0].stamp


def test_a_touched_file_with_the_same_bytes_is_a_hit_and_is_stamped_again(tmp_path: Path) -> None:
    source, memo_path = kept_memo(tmp_path, VALID, AN_HOUR_NS)
    old_stamp = kept_stamp(memo_path, source)
    assert old_stamp is not None
    later = time.time_ns() - AN_HOUR_NS // 2
    os.utime(source, ns=(later, later))  # a fresh clone or a checkout: new mtimes, same bytes
    memo, hit = reread(memo_path, source)
    assert hit is not None and hit[0] == OUTLINE
    memo.save({source})
    assert kept_stamp(memo_path, source) == memo_module.file_stamp(source) != old_stamp


def test_an_edit_with_a_new_mtime_is_caught(tmp_path: Path) -> None:
    source, memo_path = kept_memo(tmp_path, VALID, AN_HOUR_NS)
    source.write_text(VALID.replace("score: 3", "score: 4"))  # same size, mtime now
    assert reread(memo_path, source)[1] is None


def test_a_file_read_in_its_racy_window_is_always_hashed(tmp_path: Path) -> None:
    """Written just before the check read it: on a coarse clock an edit in the same tick keeps
    the stamp, so the stamp is not kept and the bytes decide."""
    source, memo_path = kept_memo(tmp_path, VALID, 0)
    assert kept_stamp(memo_path, source) is None
    stamp = os.stat(source)
    source.write_text(VALID.replace("score: 3", "score: 4"))  # same size
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # and the old mtime
    assert reread(memo_path, source)[1] is None
    source.write_text(VALID)
    assert reread(memo_path, source)[1] is not None


def test_a_stamp_is_taken_before_the_file_is_read(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit while the check reads it leaves a newer mtime than the one kept: the next run
    reads it again instead of trusting a digest of the old bytes."""
    source = tmp_path / "cup.yaml"
    source.write_text(VALID)
    mtime = time.time_ns() - AN_HOUR_NS
    os.utime(source, ns=(mtime, mtime))
    read_digest = memo_module.file_digest

    def edited_while_read(path: str | Path) -> str | int:
        digest = read_digest(path)
        source.write_text(VALID.replace("score: 3", "score: 4"))
        edited = mtime + AN_HOUR_NS // 2  # out of the racy window: only the order can catch it
        os.utime(source, ns=(edited, edited))
        return digest

    monkeypatch.setattr(memo_module, "file_digest", edited_while_read)
    memo = CheckMemo(tmp_path / "memo", "identity")
    memo.keep(source, memo.inputs([source], []), OUTLINE, "the check of the old bytes")
    memo.save({source})
    monkeypatch.undo()
    assert reread(memo.path, source)[1] is None
