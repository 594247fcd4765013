"""The run page in a real browser (Debian's headless Chromium): what a person opening the CI artifact sees.

Skipped only on a workstation without /usr/bin/chromium; under CI=true a missing browser fails,
so the check cannot vanish from CI unnoticed (``.ci/browser.sh`` installs it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelgate.records.run_html import write_run_html
from tests.report.runs import Page, preset, rows, run, sheet_png

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = "<i>tea</i> & biscuits"
MAGENTA = (255, 0, 255)  # the contact sheet stand-in: a colour nothing else on the page has
SHEET = (320, 60)
# Badge backgrounds of run_html's style: pass, pass-with-edits, fail.
BADGES = {"ok": (230, 244, 234), "warn": (255, 244, 224), "bad": (253, 231, 230)}


def find_chromium(path: Path) -> Path:
    """``path``, or a skip on a workstation without it; under CI=true its absence is a failure."""
    if not path.is_file():
        reason = f"{path} is not installed (run: bash .ci/browser.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser test")
        pytest.skip(reason)
    return path


@pytest.fixture
def chromium() -> Path:
    return find_chromium(CHROMIUM)


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="is not installed"):
        find_chromium(tmp_path / "chromium")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A run with the sheet in the first preset, near the top, inside a 1280x2000 screenshot."""
    sheet = sheet_png(tmp_path / "artifacts" / "coffee-morning" / "mid.png", MAGENTA, SHEET)
    return write_run_html(run(preset("coffee-morning", str(sheet)), preset(HOSTILE)), tmp_path / "run.html")


def _browse(chromium: Path, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(chromium), *FLAGS, f"--user-data-dir={profile}", *args, url],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_the_page_reads_right_in_a_browser(chromium: Path, page: Path, tmp_path: Path) -> None:
    dom = _browse(chromium, tmp_path / "profile", page.as_uri(), "--dump-dom").stdout
    seen = Page(dom)
    assert "coffee-morning" in seen.text and HOSTILE in seen.text
    assert seen.tags("i") == [] and seen.tags("script") == []  # the name stayed text
    table = rows(dom)
    assert "preset | checks | low | mid | mid-high | cost | source" in table
    assert "sweep points | ✓ 2 pass ! 2 pass-with-edits ✗ 2 fail" in table
    assert any(r.startswith("sweep[mid] | ✓ passed ! pass-with-edits") for r in table)
    assert any(r.startswith("sweep[mid-high] | ✗ failed ✗ fail") for r in table)
    assert "Regression ! not approved yet" in seen.text
    [image] = seen.tags("img")
    assert str(image["src"]).startswith("data:image/png;base64,")


def test_the_contact_sheet_and_colours_show_in_a_screenshot(chromium: Path, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _browse(chromium, tmp_path / "profile", page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape == (2000, 1280, 3)
    packed = pixels.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    assert len(np.unique(packed)) > 50, "the screenshot is (nearly) blank"
    # The sheet decoded and is shown at its own size: one solid block of its colour, nowhere else.
    ys, xs = np.nonzero((pixels == MAGENTA).all(axis=2))
    assert len(xs), "the contact sheet is not on screen (not decoded, or below the fold)"
    assert (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == SHEET
    assert len(xs) == SHEET[0] * SHEET[1]
    for kind, colour in BADGES.items():
        shown = (pixels == colour).all(axis=2).sum()
        assert shown > 100, f"no {kind} badge colour on screen"
