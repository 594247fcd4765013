"""Contact sheets as a reviewer reads them: a grid at the report's width, the frames at fault framed
red with their kind, small for a clean pass, and two clips sampled at the same times."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from reelgate.verdict.contact_sheet import FULL, SMALL, sheet_times, write_contact_sheet, write_pair


def _clip(path: Path, duration: float, seed: int = 1) -> Path:
    from reelgate.simulator.render import ClipSpec, render_clip

    path.write_bytes(render_clip(ClipSpec(width=160, height=90, fps=12, duration=duration, seed=seed)))
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return _clip(folder / "two.mp4", 2), _clip(folder / "one.mp4", 1, seed=2)


def _tile_size(layout: object, height: int) -> tuple[int, int]:
    return (layout.tile_width + 2 * layout.border,  # type: ignore[attr-defined]
            height + layout.border + layout.band)  # type: ignore[attr-defined]


def _red(image: np.ndarray) -> np.ndarray:
    return (image[:, :, 2].astype(int) - image[:, :, 0].astype(int)) > 120  # JPEG keeps a red frame well past this


def test_a_failing_sheet_is_a_full_size_grid_with_the_fault_kind_on_its_frame(clips: tuple[Path, Path],
                                                                              tmp_path: Path) -> None:
    sheet = write_contact_sheet(clips[0], [(1.0, "flash")], tmp_path / "mid.jpg")
    image = cv2.imread(str(sheet.path))
    width, height = _tile_size(FULL, round(90 * FULL.tile_width / 160))
    assert image.shape[:2] == (2 * height, FULL.columns * width)  # 7 tiles: 5 + 2 on a second row
    assert sheet.times == [0.167, 0.5, 0.833, 1.0, 1.167, 1.5, 1.833]
    fault = image[:height, 3 * width:4 * width]  # the 4th tile, at 1.0 s
    assert _red(fault[2:-2, 1:FULL.border - 1]).mean() > 0.9  # framed red
    assert _red(fault[FULL.border:FULL.border + 20, FULL.border:FULL.border + 40]).mean() > 0.3  # kind label box
    assert not _red(image[2:height - 2, 1:FULL.border - 1]).any()  # an even sample is not framed


def test_a_passing_sheet_is_one_small_row(clips: tuple[Path, Path], tmp_path: Path) -> None:
    small = write_contact_sheet(clips[0], [], tmp_path / "low.jpg", "small")
    full = write_contact_sheet(clips[0], [], tmp_path / "low-full.jpg")
    image = cv2.imread(str(small.path))
    width, height = _tile_size(SMALL, round(90 * SMALL.tile_width / 160))
    assert image.shape[:2] == (height, 6 * width)
    assert small.path.stat().st_size * 3 < full.path.stat().st_size


def test_a_pair_is_sampled_at_the_same_times_with_the_same_grid(clips: tuple[Path, Path], tmp_path: Path) -> None:
    approved, now = write_pair((clips[0], []), (clips[1], [(0.5, "cut")]), (tmp_path / "a.jpg", tmp_path / "n.jpg"))
    assert approved.times == now.times == [t for t, _ in sheet_times([2.0, 1.0], [[], [(0.5, "cut")]])]
    assert 0.5 in now.times
    a, n = cv2.imread(str(approved.path)), cv2.imread(str(now.path))
    assert a.shape == n.shape
    width, height = _tile_size(FULL, round(90 * FULL.tile_width / 160))
    index = now.times.index(0.5)
    row, column = divmod(index, FULL.columns)
    cell = (slice(row * height + 2, (row + 1) * height - 2), slice(column * width + 1, column * width + FULL.border - 1))
    assert _red(n[cell]).mean() > 0.9 and not _red(a[cell]).any()  # framed where it is at fault only
    # Past the one-second clip's end its tiles say so instead of repeating a frame.
    last = n[height:2 * height, (len(now.times) - 1 - FULL.columns) * width:][:, :width]
    assert last[FULL.border:height - FULL.band, FULL.border:-FULL.border].std() < 40
