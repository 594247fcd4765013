"""The run's HTML page: what it shows for each part of the run data, and that it needs nothing outside it."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest

from reelgate.records.run_html import render_run_html, write_run_html
from tests.report.runs import Page, preset, rows, run, sheet_png


def test_user_text_is_escaped() -> None:
    name = '<script>alert("x")</script>&co'
    hostile = preset(name, messages={"sweep[mid-high]": 'boom <img src=x onerror="alert(1)">\n<b>bold</b>'})
    text = render_run_html(run(hostile))
    page = Page(text)
    assert page.tags("script") == [] and page.tags("img") == [] and page.tags("b") == []
    assert name in page.text  # shown as the words it is
    assert "boom <img src=x onerror=\"alert(1)\">" in page.text
    ids = [attrs["id"] for attrs in page.tags("section")]
    assert ids and all(re.fullmatch(r"preset-\d+-[a-z0-9-]*", str(i)) for i in ids)


def test_contact_sheet_is_embedded_as_data_uri(tmp_path: Path) -> None:
    sheet = sheet_png(tmp_path / "sheet.png")
    page = Page(render_run_html(run(preset("coffee", str(sheet)))))
    [image] = page.tags("img")
    src = str(image["src"])
    assert src.startswith("data:image/png;base64,")
    assert base64.b64decode(src.split(",", 1)[1]) == sheet.read_bytes()
    assert "coffee/mid" in str(image["alt"]) and "framed red" in str(image["alt"])


def test_sheet_path_relative_to_the_run_root(tmp_path: Path) -> None:
    sheet_png(tmp_path / ".reelgate" / "artifacts" / "coffee" / "mid.png")
    data = {**run(preset("coffee", ".reelgate/artifacts/coffee/mid.png")), "root": str(tmp_path)}
    assert len(Page(render_run_html(data)).tags("img")) == 1


def test_missing_sheet_is_a_visible_note_and_the_rest_still_renders(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone.png")
    page = Page(render_run_html(run(preset("coffee", gone))))
    assert page.tags("img") == []
    assert f"contact sheet {gone} cannot be read" in page.text
    assert "Regression" in page.text and "motion responds" in page.text


def test_a_sheet_that_is_not_a_png_is_not_embedded(tmp_path: Path) -> None:
    fake = tmp_path / "sheet.png"
    fake.write_text("<html>not an image</html>")
    page = Page(render_run_html(run(preset("coffee", str(fake)))))
    assert page.tags("img") == [] and "is not a PNG" in page.text


def test_a_passing_clip_says_why_it_has_no_sheet() -> None:
    assert "No contact sheet: the clip passed." in Page(render_run_html(run(preset("coffee")))).text


def test_pass_with_edits_is_shown_as_such() -> None:
    text = render_run_html(run(preset("coffee")))
    table = rows(text)
    assert "sweep points | ✓ 1 pass ! 1 pass-with-edits ✗ 1 fail" in table
    assert any(r.startswith("sweep[mid] | ✓ passed ! pass-with-edits") for r in table)
    assert '<span class="badge warn">! pass-with-edits</span>' in text
    assert re.search(r"sweep\[mid\] &middot; motion_score 4 <span class=\"badge warn\">! pass-with-edits", text)
    assert any(r.startswith("subject integrity | 0.780 | >= 0.75 | ! warn | within 0.05 of the bound") for r in table)


def test_checks_and_points_in_the_order_they_run() -> None:
    shuffled = preset("coffee")
    shuffled["items"] = dict(reversed(list(shuffled["items"].items())))
    text = render_run_html(run(shuffled))
    items = [r.split(" | ")[0] for r in rows(text) if r.startswith(("schema", "sweep[", "regression"))]
    assert items == ["schema", "sweep[low]", "sweep[mid]", "sweep[mid-high]", "regression"]
    assert text.index("sweep[low] &middot;") < text.index("sweep[mid] &middot;") < text.index("sweep[mid-high] &middot;")
    assert "preset | checks | low | mid | mid-high | cost | source" in rows(text)


def test_header_totals() -> None:
    other = preset("tea", cost_usd=0.5, source="live")
    table = rows(render_run_html(run(preset("coffee"), other)))
    assert {"run | ✗ failed", "presets | 2", "items | ✓ 6 passed ✗ 4 failed", "cost | $1.55",
            "source | live, replayed"} <= set(table)


def test_a_preset_whose_schema_failed_shows_only_its_checks() -> None:
    broken = {"preset": "bad", "path": "presets/bad.yaml", "line": 7, "items": {"schema": "failed"},
              "messages": {"schema": "1 schema error in bad.yaml:\npresets/bad.yaml:7:9: camera: unknown word"}}
    text = render_run_html(run(broken))
    page = Page(text)
    assert "schema | ✗ failed | 1 schema error in bad.yaml:" in " ".join(rows(text))
    assert "presets/bad.yaml:7:9: camera: unknown word" in page.text
    assert "presets/bad.yaml:7" in page.text
    for absent in ("Sweep", "Regression", "Reference gate", "Motion and usable rate"):
        assert absent not in page.text
    assert "<svg" not in text and page.tags("img") == []


def test_a_check_that_ran_without_data_says_so() -> None:
    ran = {"preset": "p", "path": "p.yaml", "line": 1, "messages": {},
           "items": {"schema": "passed", "reference": "failed", "sweep[low]": "skipped", "regression": "skipped"}}
    text = Page(render_run_html(run(ran))).text
    assert "Reference gate No measures recorded" in text
    assert "Sweep No sweep data recorded" in text
    assert "Regression No comparison recorded" in text


def test_reference_gate_measures() -> None:
    reference = {"file": "presets/references/routine.mp4", "duration": 5.0, "cuts": [1.2], "pacing_variation": 0.0115,
                 "quality": {"sharpness": 0.28392, "noise": 1.23658}, "measures": {"duration": 5.0},
                 "bounds": {"sharpness": "min 0.1", "noise": "max 1 levels", "duration": "min 2s, max 30s"},
                 "violations": [{"measure": "noise", "value": 1.23658, "bound": 1.0, "side": "max", "unit": " levels"}]}
    data = preset("groove", reference=reference)
    data["items"]["reference"] = "failed"
    text = render_run_html(run(data))
    table = rows(text)
    assert "noise | 1.237 | max 1 levels | ✗ out of bounds" in table
    assert "sharpness | 0.2839 | min 0.1 | ✓ within bounds" in table  # the bound it is within
    assert "duration | 5 | min 2s, max 30s | ✓ within bounds" in table
    page = Page(text).text
    assert "Reference gate ✗ 1 out of bounds" in page
    assert "presets/references/routine.mp4 · duration 5 s · cuts 1 · pacing variation 0.0115" in page


def test_regression_against_the_approved_version() -> None:
    regression = {
        "preset": "coffee", "lines": [], "changed_layers": ["camera"], "drift": ["mid"], "approved_version": 3,
        "motion": {"ok": False, "points": [["low", 2.0, 0.3], ["mid", 4.0, 0.1]],
                   "message": "motion_score does not move motion (inverted response)"},
        "rows": [
            {"point": "mid", "metric": "verdict", "approved": "pass", "now": "pass-with-edits", "change": "worse",
             "tolerance": "no worse", "worse": True},
            {"point": "mid", "metric": "subject", "approved": "0.8", "now": "0.79", "change": "-0.01",
             "tolerance": "0.05", "worse": False},
            {"point": "low", "metric": "cuts", "approved": "0", "now": "0", "change": "+0",
             "tolerance": "0.04", "worse": False},
        ],
    }
    text = render_run_html(run(preset("coffee", regression=regression)))
    table = rows(text)
    assert "mid | verdict | pass | pass-with-edits | worse | no worse | ✗ worse" in table
    assert "mid | subject | 0.8 | 0.79 | -0.01 | 0.05 | ✓ ok" in table
    unchanged = re.search(r"<details><summary>1 unchanged</summary>(.*?)</details>", text, re.S)
    assert unchanged and rows(unchanged.group(1))[1:] == ["low | cuts | 0 | 0 | +0 | 0.04 | ✓ ok"]
    page = Page(text).text
    assert "Regression against approved v3 ✗ 1 worse" in page
    assert "changed: camera" in page and "provider drift at: mid" in page
    assert "✗ motion does not respond motion_score does not move motion (inverted response)" in page
    assert "motion does not rise with motion_score" in text  # the chart's title, in the SVG


def test_not_approved_yet_and_approved_now() -> None:
    assert "Regression ! not approved yet" in Page(render_run_html(run(preset("coffee")))).text
    approved = {"preset": "coffee", "lines": ["approved coffee v2"], "approved": True, "changes": ["camera: a -> b"],
                "motion": {"ok": True, "points": [], "message": "motion: low (score 2): 0.050"}}
    page = Page(render_run_html(run(preset("coffee", regression=approved)))).text
    assert "Regression ✓ approved in this run camera: a -> b" in page


def test_a_broken_approval_shows_its_lines() -> None:
    broken = {"preset": "coffee", "lines": ["approved/coffee.json is not valid JSON: line 1"], "motion": {}}
    page = Page(render_run_html(run(preset("coffee", regression=broken)))).text
    assert "Regression ✗ no comparison approved/coffee.json is not valid JSON: line 1" in page


def test_self_contained_and_deterministic(tmp_path: Path) -> None:
    data = run(preset("coffee", str(sheet_png(tmp_path / "s.png"))), preset("tea"))
    text = render_run_html(data)
    assert text == render_run_html(data)
    page = Page(text)
    assert page.tags("script") == [] and page.tags("link") == [] and "@import" not in text
    assert not re.search(r"(src|href)=\"(?!data:|#)", text)
    assert not re.search(r"url\((?!#)", text)  # only the SVG's own clip paths
    assert text.count("<svg") == 2 and "<?xml" not in text and "<dc:date>" not in text


def test_write_is_whole_and_returns_the_path(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    data = run(preset("coffee"))
    assert write_run_html(data, target) == target
    assert target.read_text(encoding="utf-8") == render_run_html(data)
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_run_with_no_presets() -> None:
    page = Page(render_run_html(run())).text
    assert "No preset items ran." in page and "presets 0" in page


def test_xpass_is_its_own_badge_saying_the_mark_is_stale() -> None:
    data = preset("coffee")
    data["items"]["sweep[mid-high]"] = "xpass"
    text = render_run_html(run(data))
    assert any(r.startswith("sweep[mid-high] | ! XPASS passed although marked xfail: the mark is stale") for r in rows(text))
    assert "items | ✓ 3 passed ✗ 1 failed ! 1 XPASS" in rows(text)


def test_failure_reasons_are_open() -> None:
    page = Page(render_run_html(run(preset("coffee"))))
    [details] = [d for d in page.tags("details") if "open" in d]
    assert details == {"open": None}
    assert "more detail" in page.text


def test_an_abstract_base_is_not_listed_as_a_preset() -> None:
    base = {"preset": "product", "path": "presets/base/product.yaml", "line": 1, "abstract": True,
            "items": {"schema": "passed"}, "messages": {}}
    text = render_run_html(run(base, preset("coffee")))
    assert [a["id"] for a in Page(text).tags("section")] == ["preset-0-coffee"]
    assert "presets | 1" in rows(text)
    assert "abstract base presets (shared fields, no items of their own beyond their schema): presets/base/product.yaml" in Page(text).text
    broken = {**base, "items": {"schema": "failed"}, "messages": {"schema": "1 schema error"}}
    assert len(Page(render_run_html(run(broken))).tags("section")) == 1  # a failing base is shown


def _paired(tmp_path: Path) -> dict:
    """A preset whose mid-high moved: both clips' sheets and files exist."""
    data = preset("coffee")
    sides = {}
    for label, sha in (("approved", "a" * 64), ("now", "b" * 64)):
        clip = tmp_path / "media" / f"{sha}.mp4"
        clip.parent.mkdir(parents=True, exist_ok=True)
        clip.write_bytes(b"not decoded here")
        sides[label] = {"sha": sha, "path": str(clip), "verdict": "fail" if label == "now" else "pass",
                        "sheet": str(sheet_png(tmp_path / f"{label}.png")), "faults": []}
    data["regression"] = {"preset": "coffee", "lines": [], "approved_version": 1, "motion": {}, "rows": [
        {"point": "mid-high", "metric": "verdict", "approved": "pass", "now": "fail", "change": "worse",
         "tolerance": "no worse", "worse": True}],
        "pairs": [{"point": "mid-high", "repeat": 0, "times": [0.5, 1.25], "problems": [], **sides}]}
    return {**run(data), "root": str(tmp_path)}


def test_a_moved_point_shows_approved_and_now_side_by_side(tmp_path: Path) -> None:
    target = write_run_html(_paired(tmp_path), tmp_path / "out" / "report.html")
    text = target.read_text()
    page = Page(text)
    sheets = [i for i in page.tags("img") if "of sweep[mid-high]" in str(i["alt"])]
    assert [str(i["alt"]).split()[0] for i in sheets] == ["approved", "now"]
    assert {i["data-times"] for i in sheets} == {"0.500 1.250"}
    videos = page.tags("video")
    assert [v["src"] for v in videos] == [f"report-media/{'a' * 64}.mp4", f"report-media/{'b' * 64}.mp4"]
    assert all((target.parent / str(v["src"])).read_bytes() == b"not decoded here" for v in videos)
    anchors = {str(a["href"]) for a in page.tags("a")}
    assert "#preset-0-coffee-pair-mid-high-0" in anchors  # from the failing item and the moved row
    assert "mid-high | verdict | pass | fail | worse | no worse | ✗ worse side by side" in rows(text)


def test_a_pair_whose_clip_is_gone_says_so(tmp_path: Path) -> None:
    data = _paired(tmp_path)
    pair = data["presets"][0]["regression"]["pairs"][0]
    pair["approved"] = {**pair["approved"], "path": None, "sheet": None}
    pair["problems"] = ["approved clip aaaaaaaaaaaa is in neither cassettes/media nor .reelgate/media"]
    text = write_run_html(data, tmp_path / "report.html").read_text()
    page = Page(text)
    assert [v["src"] for v in page.tags("video")] == [f"report-media/{'b' * 64}.mp4"]
    assert "approved clip aaaaaaaaaaaa is in neither" in page.text
    assert "The clip is not beside this page, so it cannot play here." in page.text


class _Summary:
    """What write_results reads of a session's summary: its run data and table."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def run_data(self) -> dict:
        return self.data

    def table_cells(self) -> tuple[tuple[str, ...], list]:
        return ("preset",), [("presets/ad/coffee.yaml", ("coffee",))]


def test_a_merged_page_plays_the_shards_side_by_side_clips(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A shard's job runs elsewhere: its results carry the moved point's clips as they carry its
    sheets, and the page merged from them plays both."""
    from reelgate.cli import main
    from reelgate.collect.shards import write_results

    shard = tmp_path / "shard-job"
    write_results(shard / "results" / "reelgate-results-1-of-1.json", _Summary(_paired(shard)), (1, 1), 1)
    for leftover in ("media", "approved.png", "now.png"):  # the shard's checkout is gone
        target = shard / leftover
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    assert main(["report", "--merge", str(shard / "results"), "--format", "html",
                 "-o", str(tmp_path / "out" / "run.html")]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'out' / 'run.html'}\n"
    page = Page((tmp_path / "out" / "run.html").read_text())
    videos = [str(v["src"]) for v in page.tags("video")]
    assert videos == [f"run-media/{'a' * 64}.mp4", f"run-media/{'b' * 64}.mp4"]
    assert all((tmp_path / "out" / v).read_bytes() == b"not decoded here" for v in videos)
    assert "cannot play here" not in page.text and "cannot be read" not in page.text
