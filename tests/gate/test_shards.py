"""Past one runner: ``--preset-shard K/N`` runs whole presets per shard, and the shards' results
merge into the run an unsharded job would have given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelgate.cli import main
from reelgate.collect.shards import deal, parse_shard
from reelgate.records import open_ledger
from reelgate.run.ledger import RUN_ID_ENV
from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter


def _run(suite: SuiteWriter, simulator: str, *more: str) -> pytest.RunResult:
    return suite.pytester.runpytest(
        "presets", "-p", "no:warnings", "-p", "no:cacheprovider", "--preset-record=all",
        "--preset-provider", "kling", "--preset-provider-url", simulator, *more)


def _merged(capsys: pytest.CaptureFixture[str], *folders: Path) -> dict:
    capsys.readouterr()
    assert main(["report", "--merge", *map(str, folders), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _decided(run: dict) -> dict[str, tuple]:
    """What a run decided per preset: its items' outcomes and each sweep point's verdict."""
    return {p["path"]: (p["items"], {k: v["verdict"] for k, v in p.get("points", {}).items()})
            for p in run["presets"]}


def test_two_shards_merge_into_the_unsharded_run(suite: SuiteWriter, simulator: str,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    prepare(suite, simulator, monkeypatch, LENIENT, PRESET)
    suite.preset("mug.yaml", PRESET.replace("ceramic cup", "stoneware mug"))
    root = suite.root

    whole = _run(suite, simulator, "--preset-results", str(root / "whole"))
    whole.assert_outcomes(passed=8, failed=2)  # not approved: both regressions fail, alike
    monkeypatch.setenv(RUN_ID_ENV, "9876543210-1-live")  # as the gate action sets it per CI job
    first = _run(suite, simulator, "--preset-shard", "1/2", "--preset-results", str(root / "shards"))
    second = _run(suite, simulator, "--preset-shard", "2/2", "--preset-results", str(root / "shards"))
    with open_ledger(root / ".reelgate" / "ledger.sqlite", create=False) as ledger:
        shard_rows = ledger.rows("9876543210-1-live")
    assert sorted(r.preset_id for r in shard_rows) == ["cup"] * 3 + ["mug"] * 3  # one run, both shards
    again = _run(suite, simulator, "--preset-shard", "1/2", "--preset-results", str(root / "shards"))
    assert again.ret == pytest.ExitCode.USAGE_ERROR  # the id names shard 1's run: nothing rendered
    assert (f"{RUN_ID_ENV}=9876543210-1-live already names a run in the ledger with rows of cup: this "
            "run would replace them; give each run its own id") in again.stderr.str()
    assert "results not written" in again.stdout.str()  # shard 1's results file stays as it was
    with open_ledger(root / ".reelgate" / "ledger.sqlite", create=False) as ledger:
        assert ledger.rows("9876543210-1-live") == shard_rows
    # Each shard's money line counts its own presets' renders, not its sibling's under the run id.
    assert [line for line in second.outlines if "simulator on this machine" in line] == [
        "reelgate: nothing spent; 3 renders by a simulator on this machine ($0.63 at the provider's "
        "prices, not paid)"]
    first.assert_outcomes(passed=4, failed=1, deselected=5)  # one preset file each, whole
    second.assert_outcomes(passed=4, failed=1, deselected=5)
    assert len(list((root / "shards" / "sheets").iterdir())) == 6  # every clip's sheet

    merged, alone = _merged(capsys, root / "shards"), _merged(capsys, root / "whole")
    assert _decided(merged) == _decided(alone) and len(merged["presets"]) == 2
    assert merged["outcomes"] == alone["outcomes"] == {"failed": 2, "passed": 8}
    assert merged["table"] == alone["table"]
    start = next(i for i, line in enumerate(whole.outlines) if line.strip("= ") == "reelgate") + 1
    assert merged["table"] == whole.outlines[start:start + 3]  # what the unsharded run printed
    assert merged["shards"] == ["1/2", "2/2"]

    capsys.readouterr()
    assert main(["report", "--merge", str(root / "shards" / "reelgate-results-1-of-2.json")]) == 1
    assert capsys.readouterr().err == ("reelgate report: shard 2/2 missing: no "
                                       "reelgate-results-2-of-2.json (did its job fail before "
                                       "writing it?)\n")
    assert main(["report", "--merge", str(root / "shards"), "--format", "html",
                 "-o", str(root / "run.html")]) == 0
    page = (root / "run.html").read_text()
    assert "mug" in page and "data:image/" in page
    assert "cannot be read" not in page  # the sheets were found beside the shards' results


def test_the_deal_keeps_files_whole_balances_items_and_is_the_same_everywhere() -> None:
    groups = {"a.yaml": 6, "b.yaml": 6, "c.yaml": 5, "d.yaml": 1, "test_x.py": 3}
    dealt = deal(groups, 2)
    load = {k: sum(n for g, n in groups.items() if dealt[g] == k) for k in (1, 2)}
    assert load == {1: 11, 2: 10}  # largest first to the least loaded
    assert deal(dict(reversed(groups.items())), 2) == dealt  # not the order they were found in
    assert set(deal(groups, 9).values()) == {1, 2, 3, 4, 5}  # more shards than files: some empty


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", "2/1x"])
def test_a_bad_shard_is_one_line_with_the_fix(text: str, suite: SuiteWriter) -> None:
    with pytest.raises(ValueError, match=r"give K/N with 1 <= K <= N, e\.g\. --preset-shard 2/4"):
        parse_shard(text)
    result = suite.pytester.runpytest("presets", "--preset-shard", text)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--preset-shard {text}: give K/N" in result.stderr.str()


def test_a_bad_run_id_is_one_line_with_the_fix(suite: SuiteWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    suite.preset("cup.yaml")
    monkeypatch.setenv(RUN_ID_ENV, "run id with spaces")
    result = suite.pytester.runpytest("presets")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (f"{RUN_ID_ENV}='run id with spaces': give 1-200 letters, digits and . _ : - (starting "
            "with a letter or digit)") in result.stderr.str()
