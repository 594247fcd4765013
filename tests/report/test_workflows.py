"""The GitHub workflows parse, and run what they promise: the project's CI script, and the example gate's
replay and live jobs with their flags, secrets and uploaded reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from packaging.version import Version

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
KNOWN_ACTIONS = {"actions/checkout@v4", "actions/setup-python@v5", "actions/upload-artifact@v4"}


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("jobs"), dict)
    return data


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """``on:`` is the boolean True to YAML 1.1 (PyYAML); GitHub reads it as the key "on"."""
    return workflow.get("on", workflow.get(True))


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def _uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]) for step in job["steps"] if "uses" in step]


def test_tests_workflow_runs_the_ci_script_with_its_system_packages() -> None:
    workflow = _load("tests.yml")
    assert set(_triggers(workflow)) == {"push", "pull_request"}
    assert set(workflow["jobs"]) == {"tests", "oldest"}
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest" and "3.11" in job["container"]["image"]
        assert job["env"]["CI"] == "true"
        runs = _runs(job)
        assert "apt-get install -y -qq postgresql" in runs and "bash .ci/browser.sh" in runs
        assert runs.strip().endswith("bash .ci/run")
        assert set(_uses(job)) <= KNOWN_ACTIONS


def test_oldest_job_installs_the_declared_lower_bounds() -> None:
    """The oldest job pins every dependency to the lower bound pyproject.toml declares, so a bound
    that no longer works fails CI instead of a user's install."""
    jobs = _load("tests.yml")["jobs"]
    assert "REELGATE_CONSTRAINTS" not in jobs["tests"]["env"]
    constraints = jobs["oldest"]["env"]["REELGATE_CONSTRAINTS"]
    pins = _pins(WORKFLOWS.parents[1] / constraints)
    declared = _lower_bounds(WORKFLOWS.parents[1] / "pyproject.toml")
    missing = {
        name: bound
        for name, bound in declared.items()
        if name not in pins or Version(pins[name]) != Version(bound)
    }
    assert not missing, f"{constraints} does not pin these to their declared lower bound: {missing}"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[_normal(name.split("[", 1)[0])] = version.strip()
    return pins


def _lower_bounds(pyproject: Path) -> dict[str, str]:
    import tomllib

    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    bounds = {}
    for requirement in requirements:
        spec = requirement.split(";", 1)[0]
        if ">=" not in spec:
            continue
        name, rest = spec.split(">=", 1)
        bounds[_normal(name.split("[", 1)[0])] = rest.split(",", 1)[0].strip()
    return bounds


def _normal(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


ACTION = "pytest-reelgate/pytest-reelgate@v1"


def _action_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if step.get("uses") == ACTION]


def test_example_gate_replays_every_pull_request_without_keys() -> None:
    workflow = _load("preset-gate.example.yml")
    triggers = _triggers(workflow)
    assert "labeled" in triggers["pull_request"]["types"] and triggers["schedule"][0]["cron"]
    replay = workflow["jobs"]["replay"]
    [gate] = _action_steps(replay)
    assert gate["with"]["mode"] == "replay"
    assert "secrets." not in yaml.safe_dump(replay)
    assert "pull_request" in replay["if"]


def test_example_gate_renders_live_under_a_budget_with_keys_for_that_step_only() -> None:
    live = _load("preset-gate.example.yml")["jobs"]["live"]
    assert "live-render" in live["if"] and "schedule" in live["if"]
    assert "env" not in live  # job-level env would show the keys to every step, uploads included
    [gate] = _action_steps(live)
    assert gate["with"]["mode"] == "live" and gate["with"]["max-cost"] == "10"  # per shard
    assert gate["with"]["shard"] == "${{ matrix.shard }}/2" and live["strategy"]["matrix"]["shard"] == [1, 2]
    assert gate["with"]["record"] == "new_episodes"
    assert gate["with"]["ledger-url"] == "${{ secrets.REELGATE_LEDGER_URL }}"
    assert "KLING_SECRET_KEY=${{ secrets.KLING_SECRET_KEY }}" in gate["with"]["provider-env"]
    others = [step for step in live["steps"] if step is not gate]
    assert "secrets." not in yaml.safe_dump(others)


def test_example_gate_uploads_what_the_live_job_recorded() -> None:
    jobs = _load("preset-gate.example.yml")["jobs"]
    for name in ("replay", "live"):
        assert set(_uses(jobs[name])) <= KNOWN_ACTIONS | {ACTION}
    [upload] = [s for s in jobs["live"]["steps"] if s.get("uses") == "actions/upload-artifact@v4"]
    assert upload["if"] == "always()" and upload["with"]["path"] == "cassettes/"
    [download, merge] = jobs["report"]["steps"]  # the shards' reports, merged into one
    assert download["with"]["pattern"] == "preset-report-live-*" and jobs["report"]["needs"] == "live"
    assert merge["with"]["mode"] == "merge" and merge["with"]["merge-from"] == download["with"]["path"]


def test_this_repository_replays_its_examples_through_its_own_action() -> None:
    [gate] = [step for step in _load("gate.yml")["jobs"]["replay"]["steps"] if step.get("uses") == "./"]
    assert gate["with"]["mode"] == "replay"
