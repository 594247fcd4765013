"""--preset-prune deletes recordings the team paid for: only after a full, passing run with every
preset valid, never what an invalid preset may own, listed first, and a dry run in CI."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reelgate.cassettes.prune import find_unused
from reelgate.simulator import simulator_env
from tests.cassettes.flows import LENIENT, TEXT, run
from tests.suites import SuiteWriter


@pytest.fixture(scope="module")
def recorded(simulator: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cup and mug recorded against the simulator and approved, once for the module."""
    root = tmp_path_factory.mktemp("recorded")
    (root / "presets").mkdir()
    (root / "presets" / "scenarios.yaml").write_text(LENIENT)
    (root / "presets" / "cup.yaml").write_text(TEXT)
    (root / "presets" / "mug.yaml").write_text(TEXT.replace("a ceramic cup", "a tin mug"))
    (root / "tox.ini").write_text("[pytest]\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "presets", "-p", "no:warnings", "-p", "no:randomly",
         "--preset-record=once", "--preset-approve", "--preset-provider", "kling",
         "--preset-provider-url", simulator],
        cwd=root, env={**os.environ, **simulator_env()}, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    shutil.rmtree(root / ".reelgate", ignore_errors=True)
    return root


def copy_into(suite: SuiteWriter, recorded: Path) -> None:
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(recorded / name, suite.root / name, dirs_exist_ok=True)


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for name in ("cassettes", "approved")
            for p in (root / name).rglob("*") if p.is_file()}


def test_a_full_passing_run_lists_unused_recordings_and_prune_removes_them(
        suite: SuiteWriter, recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    copy_into(suite, recorded)
    (suite.root / "presets" / "mug.yaml").unlink()
    listed = run(suite, full=True)
    listed.assert_outcomes(passed=5)
    listed.stdout.fnmatch_lines(["reelgate: 3 cassettes, * media files, * stored analyses and 1 approved records no preset "
                                 "needs: cassettes/mug/low.yaml*approved/mug.json; remove them with --preset-prune"])
    run(suite, "-k", "cup")
    assert (suite.root / "cassettes" / "mug").is_dir()  # a partial run never prunes
    analyses_before = len(stored_analyses(suite.root))
    pruned = run(suite, "--preset-prune", full=True)
    pruned.stdout.fnmatch_lines(["reelgate: removing 3 cassettes, * approved records no preset needs: "
                                 "cassettes/mug/low.yaml*", "reelgate: removed * unused recordings and approvals"])
    assert not (suite.root / "cassettes" / "mug").exists()
    assert not (suite.root / "approved" / "mug.json").exists()
    assert (suite.root / "cassettes" / "cup" / "low.yaml").is_file()
    # mug's stored analyses went with its clips; each clip left keeps its own
    media = suite.root / "cassettes" / "media"
    clips = {p.name.split(".")[0] for p in media.iterdir() if not p.name.endswith(".analysis.json")}
    assert stored_analyses(suite.root) == clips and len(clips) < analyses_before
    run(suite, full=True).assert_outcomes(passed=5)  # cup still replays: its media were kept


def stored_analyses(root: Path) -> set[str]:
    return {p.name.removesuffix(".analysis.json") for p in (root / "cassettes" / "media").glob("*.analysis.json")}


@pytest.mark.parametrize("marks", ["", 'marks: [{xfail: {reason: camera words in review, only: [schema]}}]\n'])
def test_prune_keeps_everything_of_a_preset_with_a_schema_error(suite: SuiteWriter, recorded: Path,
                                                                marks: str) -> None:
    """The issue's `sed -i 's/^camera: slow push-in/camera: slow spin/'`: a typo is not a deletion,
    even when the schema item is marked xfail and the run passes."""
    copy_into(suite, recorded)
    mug = suite.root / "presets" / "mug.yaml"
    mug.write_text(mug.read_text().replace("camera: slow push-in", "camera: slow spin") + marks)
    before = files(suite.root)
    result = run(suite, "--preset-prune", full=True)
    assert result.ret == (0 if marks else 1)
    result.stdout.fnmatch_lines(["reelgate: --preset-prune removed nothing: 1 preset file(s) have errors "
                                 "(presets/mug.yaml); it prunes only after a full, passing run with every preset valid"])
    assert files(suite.root) == before
    assert "no preset needs" not in result.stdout.str()  # nor is anything listed as unused


def test_prune_after_a_failed_run_removes_nothing(suite: SuiteWriter, recorded: Path) -> None:
    copy_into(suite, recorded)
    (suite.root / "presets" / "mug.yaml").unlink()  # mug's recordings are unused now
    (suite.root / "approved" / "cup.json").unlink()  # and cup's regression item fails
    before = files(suite.root)
    result = run(suite, "--preset-prune", full=True)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["reelgate: --preset-prune removed nothing: the run did not pass (exit code 1)*"])
    assert files(suite.root) == before


def test_prune_in_ci_is_a_dry_run_unless_confirmed(suite: SuiteWriter, recorded: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    copy_into(suite, recorded)
    (suite.root / "presets" / "mug.yaml").unlink()
    before = files(suite.root)
    monkeypatch.delenv("CI", raising=False)
    dry = run(suite, "--preset-prune=dry-run", full=True)
    dry.stdout.fnmatch_lines(["reelgate: 3 cassettes, * no preset needs: cassettes/mug/low.yaml*; remove them "
                              "with --preset-prune=yes (a bare --preset-prune is a dry run in CI)"])
    monkeypatch.setenv("CI", "true")
    run(suite, "--preset-prune", full=True).stdout.fnmatch_lines(["*cassettes/mug/mid.yaml*--preset-prune=yes*"])
    assert files(suite.root) == before
    confirmed = run(suite, "--preset-prune=yes", full=True)
    confirmed.stdout.fnmatch_lines(["reelgate: removing *cassettes/mug/low.yaml*", "reelgate: removed *"])
    assert not (suite.root / "cassettes" / "mug").exists()


def test_a_bad_prune_value_is_a_usage_error(suite: SuiteWriter) -> None:
    result = suite.pytester.runpytest("--preset-prune", "presets")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --preset-prune 'presets': takes nothing, =yes or =dry-run*"])


def test_find_unused_keeps_the_folders_of_presets_named_as_kept(tmp_path: Path) -> None:
    for key in ("cup/low", "mug/low", "mug/mid-1", "jar/low"):
        (tmp_path / f"{key}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{key}.yaml").write_text("interactions: []\n")
    unused = find_unused(tmp_path, ["cup/low"], keep=["mug"])
    assert [p.relative_to(tmp_path).as_posix() for p in unused.cassettes] == ["jar/low.yaml"]


def test_find_unused_lists_the_stored_analyses_of_no_remaining_clip(tmp_path: Path) -> None:
    """An analysis stays while its clip is a kept cassette's media or a preset's reference video."""
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "cup").mkdir()
    (tmp_path / "cup" / "low.yaml").write_text(
        "interactions:\n- response: {headers: {x-reelgate-media: [aaa.mp4]}}\n")
    (media / "aaa.mp4").write_bytes(b"clip")
    reference = tmp_path / "turntable.mp4"
    reference.write_bytes(b"reference")
    referenced = hashlib.sha256(b"reference").hexdigest()
    for name in ("aaa", "bbb", referenced):
        (media / f"{name}.analysis.json").write_text("{}")
    unused = find_unused(tmp_path, ["cup/low"], clips=[reference, tmp_path / "gone.mp4"])
    assert [p.name for p in unused.analyses] == ["bbb.analysis.json"]
    assert unused.media == () and unused.cassettes == ()
