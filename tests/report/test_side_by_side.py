"""Approved against now, end to end: the example suite replayed with one approval that no longer
matches (sneaker-spin's mid was approved with another clip and less motion), its HTML report in
headless Chromium, the terminal's sheet paths, and ``reelgate review`` of the same point.

One replay of the whole example suite serves every test here (module fixture); the analysis cache
of the repository is copied in when it exists, so a warm checkout does not analyse again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.runs import Page
from tests.report.test_browser import CHROMIUM, find_chromium

REPO = Path(__file__).resolve().parents[2]
PRESET, POINT, DONOR = "sneaker-spin", "mid", "low"
PAGE_LIMIT = 2 * 1024 * 1024  # bytes: the example suite's report must stay a light artifact
# Waits for every <video> to have its metadata or an error, then writes what each one did.
PROBE = """<script>
const videos = [...document.querySelectorAll('video')];
Promise.all(videos.map(v => v.readyState >= 1 ? null : new Promise(done => {
  v.addEventListener('loadedmetadata', done); v.addEventListener('error', done); }))).then(() => {
  const seen = videos.map(v => ({src: v.getAttribute('src'), ready: v.readyState, error: v.error && v.error.code,
                                 width: v.videoWidth, duration: v.duration}));
  const sheets = [...document.querySelectorAll('img[data-times]')].map(i => ({times: i.dataset.times,
                  width: i.naturalWidth, height: i.naturalHeight, alt: i.alt}));
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify({videos: seen, sheets: sheets}); document.body.append(out); });
</script>"""


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("examples")
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(REPO / name, root / name)
    if (REPO / ".reelgate" / "cache").is_dir():
        shutil.copytree(REPO / ".reelgate" / "cache", root / ".reelgate" / "cache")
    (root / "pytest.ini").write_text("[pytest]\nmarkers =\n    smoke: quick presets\n")
    approved = root / "approved" / f"{PRESET}.json"
    record = json.loads(approved.read_text())
    point = record["points"][POINT]
    point["clips"] = record["points"][DONOR]["clips"]  # approved with another clip ...
    point["metrics"]["motion"] = round(point["metrics"]["motion"] - 0.2, 4)  # ... that moved less
    approved.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "presets", "-p", "no:cacheprovider", "-p", "no:warnings",
                           "--preset-html", "out/report.html"], cwd=root, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL, env={**os.environ, "GITHUB_ACTIONS": ""})
    return root, done


def _probe(chromium: Path, page: Path, profile: Path) -> dict:
    """The page with PROBE appended, beside it (so its relative paths hold), as Chromium ran it."""
    probed = page.with_name(f"probe-{page.name}")
    missing = '<video src="nowhere/missing.mp4"></video>'  # the probe must see a clip that is not there
    probed.write_text(page.read_text().replace("</body>", missing + PROBE + "</body>"))
    done = subprocess.run([str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={profile}", "--dump-dom", "--virtual-time-budget=30000",
                           probed.as_uri()], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '<pre id="probe">' in done.stdout, "the probe never reported: a video neither loaded nor failed"
    text = done.stdout.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
    return json.loads(Page(text).text)


def test_a_moved_regression_prints_both_sheet_paths(replayed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, done = replayed
    assert done.returncode == 1, done.stdout[-3000:]
    assert "reelgate: approved against now, side by side (contact sheets at the same times):" in done.stdout
    [line] = [line for line in done.stdout.splitlines() if f"{PRESET} {POINT} side by side: approved" in line]
    approved, now = line.split("approved ", 1)[1].split(", now ")
    assert approved.endswith(".approved.jpg") and now.endswith(".now.jpg")
    assert (root / approved).is_file() and (root / now).is_file()


def test_the_report_shows_both_clips_aligned_and_playable(
        replayed: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    root, _ = replayed
    page = root / "out" / "report.html"
    assert page.stat().st_size < PAGE_LIMIT, f"{page.stat().st_size} bytes"
    seen = _probe(find_chromium(CHROMIUM), page, tmp_path / "profile")
    record = json.loads((REPO / "approved" / f"{PRESET}.json").read_text())
    shas = [record["points"][DONOR]["clips"][0], record["points"][POINT]["clips"][0]]
    ours = [v for v in seen["videos"] if any(sha in str(v["src"]) for sha in shas)]
    assert [v["src"] for v in ours] == [f"report-media/{sha}.mp4" for sha in shas]  # approved, then now
    assert all(v["ready"] >= 1 and v["error"] is None and v["width"] > 0 and v["duration"] > 0 for v in ours), ours
    assert [v["error"] for v in seen["videos"] if "missing" in str(v["src"])] == [4]  # MEDIA_ERR_SRC_NOT_SUPPORTED
    pair = _pair(seen["sheets"], shas)
    assert [s["alt"].split()[0] for s in pair] == ["approved", "now"]
    assert pair[0]["times"] == pair[1]["times"] and len(pair[0]["times"].split()) >= 6
    assert (pair[0]["width"], pair[0]["height"]) == (pair[1]["width"], pair[1]["height"]) and pair[0]["width"] > 0


def _pair(sheets: list[dict], shas: list[str]) -> list[dict]:
    """The approved and the new sheet of the moved point, in page order."""
    return [s for s in sheets if f"of sweep[{POINT}]" in str(s["alt"])
            and any(f"clip {sha[:12]} " in str(s["alt"]) for sha in shas)]


def test_review_writes_the_same_view_without_rendering(
        replayed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, _ = replayed
    done = subprocess.run([sys.executable, "-m", "reelgate.cli", "review", PRESET, POINT, "-o", "out/review.html"],
                          cwd=root, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert f"{POINT} side by side: approved" in done.stdout
    page = Page((root / "out" / "review.html").read_text())
    report = Page((root / "out" / "report.html").read_text())
    record = json.loads((REPO / "approved" / f"{PRESET}.json").read_text())
    shas = [record["points"][DONOR]["clips"][0], record["points"][POINT]["clips"][0]]
    sheets = _pair(page.tags("img"), shas)  # the moved clip's pair (its repeats pair up too)
    assert len(sheets) == 2 and sheets[0]["data-times"] == sheets[1]["data-times"]
    assert [i["src"] for i in _pair(report.tags("img"), shas)] == [i["src"] for i in sheets]  # the run's sheets
    videos = [v["src"] for v in page.tags("video")]
    assert [v for v in videos if any(sha in v for sha in shas)] == [f"review-media/{sha}.mp4" for sha in shas]
    assert all((root / "out" / f"review-media/{sha}.mp4").is_file() for sha in shas)
    missing = subprocess.run([sys.executable, "-m", "reelgate.cli", "review", "nosuch"], cwd=root,
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert missing.returncode == 2 and "no run of 'nosuch' kept" in missing.stderr and "Traceback" not in missing.stderr
