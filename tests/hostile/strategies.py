"""Hostile presets: a project full of traps and a hypothesis strategy for files that use them.

``make_project`` lays out a project whose ``presets/references/`` holds what a hostile or careless
preset may name (a FIFO, symlink loops, a symlink out to ``/etc/passwd``, a directory, a socket)
next to files holding a canary secret (``.env`` in the project, a file outside it). The strategy
writes presets that name those, absolute and ``..`` paths, ``/proc`` and ``/dev`` files, invalid
marks, YAML tags and huge values; each case says whether it is invalid by construction, so a
check that passes it is a wrong pass.
"""

from __future__ import annotations

import copy
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from reelgate.plan.schema import schema_report
from reelgate.preset.check import PresetResult, check_preset
from reelgate.preset.scenarios import ScenarioSet
from tests.suites import SCENARIOS, VALID

CANARY = "canary-7d3e-hostile"  # in files a preset must never show, and in the environment
BASE: dict[str, Any] = yaml.safe_load(VALID)
GOOD_PATHS = ["../references/base.yaml", "../references/clip.mp4"]
HOSTILE_PATHS = [
    "/proc/self/environ", "/proc/kmsg", "/proc/self/status", "/dev/zero", "/dev/null",
    "/dev/stdin", "/etc/passwd", "/etc/shadow", "../../../../../../etc/passwd", "../../.env",
    "../../notes.txt", "../../../outside.yaml", "../references/pipe.yaml",
    "../references/loop.yaml", "../references/loop.mp4", "../references/etc.yaml",
    "../references/dir.yaml", "../references/sock.yaml", "../references/big.yaml",
    "../references/pipe.mp4", "../references/none.yaml", "", " ", ".", "..", "/",
    "nul\x00byte.yaml", "x" * 5000 + ".yaml", "~/secrets.yaml", "file:///etc/passwd",
    "C:\\Windows\\win.ini", "../fuzz/", "../references",
]
BAD_MARKS: list[Any] = [
    {"xfail": {"reason": "", "bogus": 1}}, {"xfail": {"reason": "known", "only": "schema"}},
    {"xfail": {"reason": "known", "only": {"schema": 1}}}, {"xfail": {"reason": "flaky", "only": 5}},
    {"skip": {"reason": "x", "strict": True}}, {"xfail": ""}, {"schema": 1}, "not a mark",
    {"xfail": "a", "skip": "b"}, 5, None, [],
]
GOOD_MARKS: list[Any] = ["smoke", {"xfail": "known"}, {"skip": {"reason": "later", "only": ["sweep[mid]"]}}]
TAGS = ["!!python/object/apply:os.system [id]", "!!python/name:os.system", "!custom x",
        "!!binary aGVsbG8=", "!!set {a: null}", "!!python/object:object {}", "!<tag:evil> 1"]
HUGE: list[tuple[tuple[str, ...], Any]] = [
    (("negative_prompt",), ["y" * 3000]),
    (("negative_prompt",), [f"term {i}" for i in range(1000)]),  # distinct: repeats are merged
    (("prompt", "subject"), "z" * 3000),
    (("repeats",), 10**30),
    (("output", "seed"), 10**30),
    (("output", "duration"), 1e308),
    (("sweep",), [2, 4, 6] * 2000),
]


@dataclass
class Case:
    """One fuzzed preset file and whether it is invalid whatever else it says."""

    text: str
    invalid: bool
    kinds: tuple[str, ...]

    def __repr__(self) -> str:
        shown = self.text if len(self.text) < 2000 else self.text[:1000] + " ... " + self.text[-500:]
        return f"Case(invalid={self.invalid}, kinds={self.kinds}, text={shown!r})"


def make_project(root: Path) -> Path:
    """Lay out the project with its traps; returns the directory fuzzed presets go to."""
    presets = root / "presets"
    refs = presets / "references"
    (presets / "fuzz").mkdir(parents=True, exist_ok=True)
    refs.mkdir(exist_ok=True)
    (presets / "scenarios.yaml").write_text(SCENARIOS)
    (root / "pytest.ini").write_text("[pytest]\n")
    (refs / "base.yaml").write_text("abstract: true\nscenario: ad\n")
    (refs / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (root / ".env").write_text(f"KLING_SECRET_KEY={CANARY}\n")
    (root / "notes.txt").write_text(f"token: {CANARY}\n")
    (root.parent / "outside.yaml").write_text(f"secret: {CANARY}\n")
    (refs / "big.yaml").write_text("description: " + "b" * 1_100_000 + "\n")
    (refs / "dir.yaml").mkdir(exist_ok=True)
    for name in ("pipe.yaml", "pipe.mp4"):
        if not (refs / name).exists():
            os.mkfifo(refs / name)
    for name, target in (("loop.yaml", "loop.yaml"), ("loop.mp4", "loop.mp4"),
                         ("etc.yaml", "/etc/passwd")):
        if not (refs / name).is_symlink():
            os.symlink(target, refs / name)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(refs / "sock.yaml"))
        sock.close()
    except OSError:  # the path is too long for AF_UNIX here: the trap is skipped
        pass
    return presets / "fuzz"


def _put(doc: dict[str, Any], fpath: tuple[str, ...], value: Any) -> None:
    target = doc
    for part in fpath[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[fpath[-1]] = value


@st.composite
def hostile_presets(draw: st.DrawFn) -> Case:
    """A valid preset given one to four hostile changes."""
    doc = copy.deepcopy(BASE)
    broken: dict[str, bool] = {}  # by the slot a change writes: a later change may overwrite it
    tagged: list[str] = []
    kinds = draw(st.lists(st.sampled_from(["extends", "reference", "marks", "tag", "huge", "field"]),
                          min_size=1, max_size=4))
    kinds.sort(key=lambda k: k != "field")  # arbitrary fields first: the hostile ones stay
    for kind in kinds:
        if kind in ("extends", "reference"):
            bad = draw(st.booleans())
            path = draw(st.sampled_from(HOSTILE_PATHS if bad else GOOD_PATHS))
            if kind == "extends":
                doc["extends"] = path
                broken["extends"] = bad or path.endswith(".mp4")
            else:
                doc["reference"] = {draw(st.sampled_from(["video", "image"])): path}
                broken["reference"] = bad or path.endswith(".yaml")
        elif kind == "marks":
            bad = draw(st.lists(st.sampled_from(BAD_MARKS), min_size=1, max_size=2))
            good = draw(st.lists(st.sampled_from(GOOD_MARKS), max_size=2))
            doc["marks"] = draw(st.permutations([*bad, *good]))
            broken["marks"] = True
        elif kind == "tag":
            tagged.append(f"{draw(st.sampled_from(['prompt', 'marks', 'camera', 'zz']))}: "
                          f"{draw(st.sampled_from(TAGS))}")
            broken["tag"] = True
        elif kind == "huge":
            fpath, value = draw(st.sampled_from(HUGE))
            _put(doc, fpath, value)
            broken[".".join(fpath)] = True
        else:  # a field replaced with an arbitrary value: valid or not, it must not crash
            key = draw(st.sampled_from(["id", "version", "camera", "output", "provider", "failover",
                                        "motion", "sweep", "min_usable", "thresholds"]))
            doc[key] = draw(st.none() | st.integers() | st.text(max_size=20) | st.lists(st.integers()))
    invalid = any(broken.values())
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10**9)
    for line in tagged:  # a tagged value replaces the key's plain value
        key = line.split(":")[0]
        text = "\n".join(x for x in text.splitlines() if not x.startswith(f"{key}:")) + "\n" + line + "\n"
    return Case(text, invalid, tuple(kinds))


def problems(result: PresetResult, scenarios: ScenarioSet, root: Path) -> list[str]:
    """What is wrong with a check's answer beyond the verdict: unpositioned errors, leaks."""
    found = []
    diagnostics = schema_report(result).diagnostics
    for error in (d for d in diagnostics if d.severity == "error"):
        known = error.where.path in result.sources or error.where.path == scenarios.path
        if not known or error.where.line < 1 or not error.message:
            found.append(f"unpositioned: {error.headline(root)}")
    shown = result.report(root, diagnostics=diagnostics) + result.report(
        root, severity="warning", diagnostics=diagnostics)
    if CANARY in shown:
        found.append("leak: the canary secret is in the report")
    return found


def check_case(path: Path, scenarios: ScenarioSet, root: Path) -> tuple[bool, list[str]]:
    """Check one written case as the schema item does: (valid, problems)."""
    result = check_preset(path, scenarios, root)
    diagnostics = schema_report(result).diagnostics
    valid = result.preset is not None and not any(d.severity == "error" for d in diagnostics)
    return valid, problems(result, scenarios, root)
