"""Paths a preset names: confined to the project, regular files only, never a hang or a leak."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reelgate.bounded import BoundedReadError, read_bounded
from reelgate.providers.errors import RenderFailure
from reelgate.providers.references import MB, url_or_raw_base64
from tests.hostile.checking import check, shown
from tests.suites import VALID

# Far longer than any bounded read takes; only a read that blocks on a FIFO gets near it.
HANG_GUARD_S = 30.0


def test_extends_outside_the_project_is_refused_and_not_read(root: Path) -> None:
    os.environ["REELGATE_TEST_CANARY"] = "canary-4f1d"
    try:
        result = check(root, "extends: /proc/self/environ\n")
    finally:
        del os.environ["REELGATE_TEST_CANARY"]
    (error,) = result.errors
    assert (error.field, error.where.line) == ("extends", 1)
    assert "resolves outside the repository" in error.message
    assert "canary-4f1d" not in shown(result, root)
    secret = root.parent / f"{root.name}-shadow.yaml"
    secret.write_text("root:$6$hash-of-a-password:19000:0:99999:7:::\n")
    result = check(root, f"extends: ../../{secret.name}\n")
    assert "resolves outside the repository" in result.errors[0].message
    assert "$6$" not in shown(result, root)


def test_extends_of_a_file_that_is_not_a_preset_never_shows_its_content(root: Path) -> None:
    (root / ".env").write_text("KLING_SECRET_KEY=sk-live-9a8b7c\n")
    (root / "notes.txt").write_text("token: sk-live-9a8b7c\n")
    (root / ".github").mkdir()
    (root / ".github" / "ci.yaml").write_text("env: {TOKEN: sk-live-9a8b7c}\n")
    for target in ("../.env", "../notes.txt", "../.github/ci.yaml"):
        result = check(root, VALID + f"extends: {target}\n")
        (error,) = result.errors
        assert "is not a preset file" in error.message and error.where.line == 10
        assert "sk-live" not in shown(result, root)


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_extends_of_a_fifo_is_an_error_at_once_not_a_hang(root: Path, where: str) -> None:
    fifo = root / "presets" / "pipe.yaml" if where == "inside" else root.parent / f"{root.name}.fifo"
    os.mkfifo(fifo)
    try:
        target = "pipe.yaml" if where == "inside" else f"../../{fifo.name}"
        (error,) = check(root, VALID + f"extends: {target}\n").errors
    finally:
        fifo.unlink()
    assert error.where.line == 10 and error.field == "extends"
    expected = "is a FIFO" if where == "inside" else "resolves outside the repository"
    assert expected in error.message


def test_reference_that_is_a_fifo_device_or_directory_is_refused(root: Path) -> None:
    os.mkfifo(root / "presets" / "clip.mp4")
    (root / "presets" / "dir.mp4").mkdir()
    fifo = check(root, VALID + "reference: {video: clip.mp4}\n").errors
    assert "is a FIFO (named pipe), not a regular file" in fifo[0].message
    directory = check(root, VALID + "reference: {video: dir.mp4}\n").errors
    assert "is a directory, not a regular file" in directory[0].message
    device = check(root, VALID + "reference: {video: /dev/zero}\n").errors
    assert "resolves outside the repository" in device[0].message


def test_a_reference_must_be_a_media_file_so_no_secret_is_uploaded(root: Path) -> None:
    (root / ".env").write_text("KLING_SECRET_KEY=sk-live-9a8b7c\n")
    os.symlink(root / ".env", root / "presets" / "still.png")
    for value in ("../.env", "still.png"):
        (error,) = check(root, VALID + f"reference: {{image: {value}}}\n").errors
        assert "is not an image file (.png" in error.message and error.where.line == 10


@pytest.mark.parametrize("field", ["extends", "reference"])
def test_symlink_loop_is_one_schema_error_on_that_preset_only(root: Path, field: str) -> None:
    (root / "presets" / "references").mkdir()
    os.symlink("loop.yaml", root / "presets" / "references" / "loop.yaml")
    line = ("extends: references/loop.yaml\n" if field == "extends"
            else "reference: {video: references/loop.yaml}\n")
    (error,) = check(root, VALID + line).errors
    assert "symlink loop" in error.message and error.where.line == 10
    assert check(root, VALID, "other.yaml").preset is not None


def test_symlink_inside_the_project_pointing_out_is_refused(root: Path) -> None:
    outside = root.parent / f"{root.name}-base.yaml"
    outside.write_text("abstract: true\nscenario: ad\n")
    os.symlink(outside, root / "presets" / "base.yaml")
    (error,) = check(root, VALID + "extends: base.yaml\n").errors
    assert "resolves outside the repository" in error.message


def test_bounded_reader_refuses_pseudo_files_fifos_and_oversize(tmp_path: Path) -> None:
    if Path("/proc/self/status").exists():
        with pytest.raises(BoundedReadError, match="pseudo file"):
            read_bounded(Path("/proc/self/status"))
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(BoundedReadError, match="FIFO"):
        read_bounded(tmp_path / "fifo")
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(BoundedReadError, match="at most 100") as info:
        read_bounded(tmp_path / "big", cap=100)
    assert info.value.size == 101
    assert read_bounded(tmp_path / "big", cap=101) == b"x" * 101
    with pytest.raises(BoundedReadError, match="No such file"):
        read_bounded(tmp_path / "missing")


def test_the_collected_run_survives_a_symlink_loop_and_a_fifo(suite) -> None:  # type: ignore[no-untyped-def]
    refs = suite.root / "presets" / "references"
    refs.mkdir()
    os.symlink("loop.yaml", refs / "loop.yaml")
    os.mkfifo(suite.root / "presets" / "pipe.yaml")
    suite.preset("looped.yaml", VALID + "extends: references/loop.yaml\n")
    suite.preset("piped.yaml", VALID + "extends: pipe.yaml\n")
    suite.preset("good.yaml")
    result = suite.pytester.runpytest("presets", "-k", "schema", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2, deselected=4)
    result.stdout.fnmatch_lines(["presets/looped.yaml:10:10: extends: *symlink loop*",
                                 "presets/piped.yaml:10:10: extends: *is a FIFO*"])
    assert "Traceback" not in result.stdout.str() and "RuntimeError" not in result.stdout.str()


def test_a_provider_reading_a_reference_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "still.png"
    os.mkfifo(fifo)
    outcome: list[BaseException | str] = []

    def read() -> None:
        try:
            outcome.append(url_or_raw_base64(str(fifo), limit_bytes=10 * MB, provider="kling"))
        except RenderFailure as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(HANG_GUARD_S)
    if reader.is_alive():  # release the blocked reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
    (failure,) = outcome
    assert isinstance(failure, RenderFailure) and "not a regular file" in str(failure)
