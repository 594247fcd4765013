"""Approved baselines: one reviewable JSON file per preset under ``approved/``.

A record holds what was approved (preset id and version, the control variables, provider and
model), what it produced at each sweep point (verdict, usable rate, metrics, clip hashes, the
request fingerprint), and who approved it when. A pull request shows exactly what changed.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from reelgate.atomic import write_text_atomic

FORMAT = 1


class BrokenApproval(ValueError):
    """An approved record that cannot be read; it is reported, never silently replaced."""


def approved_path(directory: Path, preset_id: str) -> Path:
    return directory / f"{preset_id}.json"


def load_approved(path: Path) -> dict[str, Any] | None:
    """The record, None when there is none, BrokenApproval when it is unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrokenApproval(f"{path}: unreadable ({exc}); restore it from version control") from None
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise BrokenApproval(f"{path}: not valid JSON ({exc}); restore it from version control") from None
    if not isinstance(record, dict) or not isinstance(record.get("points"), dict):
        raise BrokenApproval(f"{path}: not an approved record (no 'points'); restore it or re-approve")
    return record


def write_approved(path: Path, record: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(record, indent=2, sort_keys=True) + "\n")


def approver(root: Path) -> str:
    """Who approves: the git user of the repository, else the login name."""
    parts = []
    for key in ("user.name", "user.email"):
        try:
            value = subprocess.run(["git", "config", key], cwd=root, capture_output=True, text=True,
                                   timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            value = ""
        if value:
            parts.append(f"<{value}>" if key == "user.email" else value)
    if parts:
        return " ".join(parts)
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def stamp(record: dict[str, Any], who: str) -> dict[str, Any]:
    return {**record, "format": FORMAT, "approved_by": who,
            "approved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def describe_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What an approval changes, in lines a reviewer reads."""
    if old is None:
        return [f"first approval of {new['preset']} v{new['version']}"]
    lines = []
    if old.get("version") != new.get("version"):
        lines.append(f"version {old.get('version')} -> {new.get('version')}")
    for layer, value in new.get("variables", {}).items():
        if old.get("variables", {}).get(layer) != value:
            lines.append(f"{layer} changed")
    for point, now in new["points"].items():
        before = old.get("points", {}).get(point, {})
        if before.get("verdict") != now["verdict"]:
            lines.append(f"{point}: verdict {before.get('verdict')} -> {now['verdict']}")
        for metric, value in sorted(now["metrics"].items()):
            was = before.get("metrics", {}).get(metric)
            if was is not None and abs(was - value) > 1e-9:
                lines.append(f"{point}: {metric} {was:.4g} -> {value:.4g}")
    return lines or ["no change"]
