"""The composite action (action.yml): its pytest step runs outside GitHub, against the simulator,
with provider keys given to that step only and never written into what it uploads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from reelgate.scaffold.init import init_project

REPO = Path(__file__).resolve().parents[2]
GATE = REPO / ".github" / "reelgate-gate.sh"


def _action() -> dict[str, Any]:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def test_the_action_installs_from_its_own_checkout_and_caches_by_analyzer() -> None:
    steps = _action()["runs"]["steps"]
    runs = "\n".join(str(step.get("run", "")) for step in steps)
    assert '"${GITHUB_ACTION_PATH}[report]"' in runs  # works before any package index has reelgate
    [cache] = [step for step in steps if str(step.get("uses", "")).startswith("actions/cache@")]
    assert cache["with"]["path"] == ".reelgate/cache"
    assert "steps.identity.outputs.analyzer" in cache["with"]["key"]
    assert "hashFiles('cassettes/**')" in cache["with"]["key"]


def test_the_upload_holds_the_report_and_the_clips_it_plays() -> None:
    from reelgate.records.run_html import media_folder

    steps = _action()["runs"]["steps"]
    [paths] = [step for step in steps if step.get("id") == "paths"]
    outputs = dict(re.findall(r'echo "([a-z]+)=([^"]*)" >> "\$GITHUB_OUTPUT"', paths["run"]))
    # Where the report writes the side-by-side clips is what the upload takes.
    assert outputs["media"].rstrip("/") == str(media_folder(Path(outputs["report"])))
    [upload] = [step for step in steps if step.get("id") == "upload"]
    assert upload["with"]["path"].splitlines() == [f"${{{{ steps.paths.outputs.{name} }}}}" for name in ("report", "media", "junit")]


def test_provider_keys_reach_only_the_pytest_step() -> None:
    steps = _action()["runs"]["steps"]
    holding = [step["name"] for step in steps if "inputs.provider-env" in yaml.safe_dump(step)]
    assert holding == ["Run the preset gate"]


def test_the_identity_step_prints_the_analyzer_identity() -> None:
    from reelgate.analysis.settings import ANALYZER_VERSION

    [step] = [step for step in _action()["runs"]["steps"] if step.get("id") == "identity"]
    command = step["run"].split("$(", 1)[1].rsplit(")", 1)[0]
    printed = subprocess.run(["bash", "-c", command.replace("python ", f"{sys.executable} ", 1)],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == ANALYZER_VERSION


def _gate(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KLING_", "REELGATE_", "CI"))}
    bin_dir = str(Path(sys.executable).parent)
    clean["PATH"] = bin_dir + os.pathsep + clean.get("PATH", "")
    return subprocess.run(["bash", str(GATE)], cwd=root, env={**clean, **env}, capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.mark.parametrize(("env", "message"), [
    ({"REELGATE_MODE": "live"}, "mode live needs max-cost (a budget in US dollars for the whole run)"),
    ({"REELGATE_PYTEST_ARGS": "-k 'smoke and"}, "pytest-args has an unclosed quote: -k 'smoke and"),
    ({"REELGATE_MODE": "sometimes"}, "mode must be replay or live, not 'sometimes'"),
    ({"REELGATE_MODE": "live", "REELGATE_MAX_COST": "5", "REELGATE_PROVIDER_ENV": "KLING_SECRET_KEY s3cr3t-value"},
     "provider-env lines are NAME=value; one is not (its value is not shown)"),
])
def test_bad_inputs_are_one_annotated_error(tmp_path: Path, env: dict[str, str], message: str) -> None:
    result = _gate(tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"::error title=reelgate::{message}"
    assert "s3cr3t" not in result.stdout + result.stderr


def test_the_gate_step_renders_live_then_replays_with_the_keys_kept_out_of_its_outputs(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn", reason="needs the [simulator] extra")
    pytest.importorskip("jinja2", reason="needs the [report] extra")
    from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env

    init_project(tmp_path)
    keys = simulator_env()
    provider_env = "\n".join(f"{name}={value}" for name, value in keys.items()) + "\n\n"
    with running_simulator(SimulatorConfig(job_seconds=0.05), in_subprocess=True) as url:
        live = _gate(tmp_path, REELGATE_MODE="live", REELGATE_MAX_COST="10",
                     REELGATE_PROVIDER_ENV=provider_env,
                     REELGATE_PYTEST_ARGS=f"-k first-ad --preset-provider kling --preset-provider-url {url}")
    # The sweep renders and passes; the regression fails: nothing is approved yet.
    assert live.returncode == 1, live.stdout[-3000:] + live.stderr[-2000:]
    assert "1 failed, 4 passed" in live.stdout and "is not approved yet" in live.stdout
    assert sorted(p.name for p in (tmp_path / "cassettes" / "first-ad").iterdir()) == [
        "low.yaml", "mid-high.yaml", "mid.yaml"]
    outputs = [tmp_path / "reelgate-out" / "report.html", tmp_path / "reelgate-out" / "junit.xml",
               *(tmp_path / "cassettes").rglob("*.yaml")]
    for path in outputs:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert all(value not in text for value in keys.values()), f"a provider key reached {path}"
    replay = _gate(tmp_path, REELGATE_MODE="replay", REELGATE_PYTEST_ARGS="-k 'first-ad and sweep'")
    assert replay.returncode == 0, replay.stdout[-3000:]
    assert "3 renders replayed from cassettes, 0 failed" in replay.stdout
