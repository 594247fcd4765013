"""The fingerprint of what a render asks for, stable across machines and checkouts.

It is the request without its labels (preset id, version, sweep point), with local reference
files replaced by the hash of their content, so moving the repository does not make recordings
stale, while editing the prompt, the reference clip, the camera or the output does.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from reelgate.request import RenderRequest, is_url, without_unset_additions

# Labels name a render but do not change it; the failover is asked only when the primary fails,
# and a run with --preset-provider drops it, so neither is part of what a recording answers.
_LABELS = {"preset_id", "preset_version", "sweep_point", "failover"}


@lru_cache(maxsize=4096)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def reference_id(value: str | None) -> str | None:
    """A local reference as the hash of its bytes; a URL as itself."""
    if value is None or is_url(value):
        return value
    path = Path(value)
    try:
        stat = path.stat()
    except OSError:
        return f"missing:{path.name}"
    return _file_hash(str(path), stat.st_mtime_ns, stat.st_size)


def normalized(request: RenderRequest) -> dict[str, Any]:
    data = without_unset_additions(request.model_dump(mode="json", exclude=_LABELS))
    data["reference_video"] = reference_id(request.reference_video)
    data["reference_image"] = reference_id(request.reference_image)
    if request.end_image is not None:
        data["end_image"] = reference_id(request.end_image)
    return data


def fingerprint(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human lines for what differs between a recorded request and the current one."""
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before != after:
            lines.append(f"{key}: {_short(before)} -> {_short(after)}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
