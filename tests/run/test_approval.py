"""The regression's approved record through the run core: a foreign file fails the item with the
command that fixes it, and that command (--preset-approve) replaces it with a readable record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reelgate.plan.checked import load_checked
from reelgate.preset.model import Preset
from reelgate.run import RunConfig
from reelgate.run.approval import Outcome
from reelgate.run.session import Run
from reelgate.verdict.approved import load_approved

REPO = Path(__file__).resolve().parents[2]
PRESET = "coffee-morning"


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def regression(root: Path, approve: bool = False) -> tuple[Preset, Outcome]:
    presets = root / "presets"
    conf = RunConfig(root=root, preset_paths=(presets,), scenarios=presets / "scenarios.yaml",
                     cassettes=root / "cassettes", approved=root / "approved", approve=approve)
    suite = load_checked(conf.root, list(conf.preset_paths), conf.scenarios, memo=False)
    preset = next(r.preset for r in suite.results.values() if r.preset and r.preset.id == PRESET)
    run = Run(conf)
    try:
        run.start((preset, point) for point in preset.sweep)
        return preset, run.regression(preset, accepted=set())
    finally:
        run.close()


def test_a_foreign_file_fails_the_regression_and_approving_replaces_it(examples: Path) -> None:
    target = examples / "approved" / f"{PRESET}.json"
    committed = json.loads(target.read_text())
    target.write_text(json.dumps({"snapshot": "of another tool"}))
    preset, refused = regression(examples)
    source = preset.source.relative_to(examples)
    assert refused.failed and refused.lines == [
        f"approved/{PRESET}.json: not a reelgate approved record (it has no 'format' key); the approved "
        f"folder holds only reelgate's records: move the file elsewhere, or re-approve with: pytest "
        f"{source} --preset-approve"]

    _, approved = regression(examples, approve=True)
    assert not approved.failed, approved.lines
    assert approved.lines[1].startswith(f"  replaces a record that could not be read (approved/{PRESET}.json: "
                                        "not a reelgate approved record")
    record = load_approved(target)
    assert record is not None
    # The same renders, replayed, give the record that was committed: only who and when differ.
    written = json.loads(target.read_text())
    assert {k: v for k, v in written.items() if not k.startswith("approved_")} == {
        k: v for k, v in committed.items() if not k.startswith("approved_")}
    _, compared = regression(examples)
    assert not compared.failed, compared.lines


def test_approving_an_unchanged_preset_leaves_its_file_byte_for_byte(examples: Path) -> None:
    """Re-approving a suite must not churn every file's approved_at: the diff shows real changes."""
    target = examples / "approved" / f"{PRESET}.json"
    before = target.read_bytes()
    _, unchanged = regression(examples, approve=True)
    assert not unchanged.failed and unchanged.data["approval"] == "unchanged"
    assert unchanged.lines == [f"unchanged {PRESET} v{json.loads(before)['version']}: approved/{PRESET}.json "
                               "already approves this run"]
    assert target.read_bytes() == before

    changed = json.loads(before)
    changed["points"]["mid"]["metrics"]["continuity"] = 0.5  # an approval of other clips
    target.write_text(json.dumps(changed))
    _, updated = regression(examples, approve=True)
    assert updated.data["approval"] == "updated" and updated.lines[0].startswith(f"updated {PRESET} v")
    assert target.read_bytes() != before

    target.unlink()
    _, new = regression(examples, approve=True)
    assert new.data["approval"] == "approved" and new.lines[0].startswith(f"approved {PRESET} v")
