"""Approved against now, side by side: the two clips of a sweep point, their contact sheets
sampled at the same times, and where each clip's file is, so the report can play both.

The regression builds a pair for every point whose comparison moved and every failing point;
``reelgate review`` builds the same pairs later from the approved record and the clips the latest
run kept (``remember_point`` writes one small JSON file per point under ``.reelgate/latest``),
without rendering. The approved record names its clips by content hash (``PointRecord.clips``),
the media file's name in the cassettes' media folder and in the run's media store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelgate.atomic import update_text_atomic
from reelgate.preset.model import Preset
from reelgate.run.config import RunConfig
from reelgate.verdict.record import ApprovedRecord
from reelgate.verdict.rubric import ClipVerdict
from reelgate.verdict.usable import PointVerdict

LATEST = Path(".reelgate") / "latest"
REVIEW_SHEETS = Path(".reelgate") / "artifacts" / "review"
LATEST_FORMAT = 1
# A clip's faults as the rubric found them, or None when the clip could not be judged.
FaultsOf = Callable[[str], list[tuple[float, str]] | None]


def latest_path(root: Path, preset_id: str, point: str) -> Path:
    return root / LATEST / preset_id / f"{point}.json"


def remember_point(conf: RunConfig, preset: Preset, point: str, verdict: PointVerdict,
                   paths: dict[str, str]) -> None:
    """Keep this point's clips (hash, file, verdict, faults) for a later ``reelgate review``."""
    data = {
        "format": LATEST_FORMAT, "preset": preset.id, "point": point, "verdict": verdict.verdict,
        "source": str(preset.source), "approved": str(conf.approved), "cassettes": str(conf.cassettes),
        "clips": [clip_data(clip, paths.get(clip.key)) for clip in verdict.clips],
    }
    update_text_atomic(latest_path(conf.root, preset.id, point), json.dumps(data, indent=1) + "\n")


def clip_data(clip: ClipVerdict, path: str | None) -> dict[str, Any]:
    return {"key": clip.key, "sha": clip.clip, "path": path, "verdict": clip.verdict,
            "faults": [[t, k] for t, k in clip.faults()]}


def locate_clip(root: Path, cassettes: Path, sha: str) -> Path | None:
    """The approved clip's file: the cassettes' media (replays) or the run's media store (live)."""
    from reelgate.media import MediaStore

    for candidate in (cassettes / "media" / f"{sha}.mp4", MediaStore(root).path_for(sha)):
        if candidate.is_file():
            return candidate
    return None


def moved_points(rows: list[dict[str, Any]], verdicts: dict[str, str]) -> list[str]:
    """Points to show side by side: a regression row moved there, or the point fails now."""
    moved = {str(r["point"]) for r in rows if r.get("worse") or r.get("approved") != r.get("now")}
    return [p for p in verdicts if p in moved or verdicts[p] == "fail"]


def point_pairs(root: Path, cassettes: Path, preset_id: str, point: str, approved: ApprovedRecord,
                clips: list[dict[str, Any]], faults_of: FaultsOf) -> list[dict[str, Any]]:
    """One pair per clip of the point (repeat i against the approved clip i); each pair says what
    is missing when a clip or a sheet cannot be had."""
    import av

    from reelgate.verdict.contact_sheet import SHEET_SUFFIX, write_pair

    before = approved.points.get(point)
    shas = before.clips if before else []
    pairs = []
    for index, now in enumerate(clips):
        pair: dict[str, Any] = {"point": point, "repeat": index, "times": [], "problems": [],
                                "now": {**now, "sheet": None}}
        sha = shas[index] if index < len(shas) else None
        if sha is not None and sha == now.get("sha"):
            continue  # the approved clip itself (a replay): two copies of one sheet show nothing
        found = locate_clip(root, cassettes, sha) if sha else None
        pair["approved"] = {"sha": sha, "path": str(found) if found else None, "sheet": None,
                            "verdict": before.verdict if before else None, "faults": []}
        pairs.append(pair)
        if sha is None:
            pair["problems"].append(f"the approved record has no clip {index + 1} at {point}")
            continue
        if found is None:
            pair["problems"].append(f"approved clip {sha[:12]} is in neither {cassettes / 'media'} nor "
                                    ".reelgate/media (pruned since approval?): showing the new clip only")
            continue
        if not now.get("path"):
            pair["problems"].append("the new clip's file is not known")
            continue
        faults = faults_of(str(found))
        if faults is None:
            pair["problems"].append(f"approved clip {sha[:12]} could not be judged: no frames framed")
        pair["approved"]["faults"] = [list(f) for f in faults or []]
        marks = json.dumps([sha, now["sha"], faults or [], now.get("faults")])
        tag = hashlib.sha256(marks.encode()).hexdigest()[:12]
        folder = root / REVIEW_SHEETS / preset_id
        targets = (folder / f"{point}-{index}.{tag}.approved{SHEET_SUFFIX}",
                   folder / f"{point}-{index}.{tag}.now{SHEET_SUFFIX}")
        try:
            sheets = write_pair((found, [tuple(f) for f in faults or []]),
                                (Path(now["path"]), [tuple(f) for f in now.get("faults") or []]), targets)
        except (OSError, ValueError, IndexError, av.FFmpegError) as exc:  # IndexError: no video stream
            pair["problems"].append(f"no side-by-side sheets ({exc})")
            continue
        pair["times"] = sheets[0].times
        pair["approved"]["sheet"], pair["now"]["sheet"] = str(sheets[0].path), str(sheets[1].path)
    return pairs


def pair_lines(pairs: list[dict[str, Any]], root: Path, preset: str = "") -> list[str]:
    """What a terminal prints of the pairs: where the two sheets are, or why there are none."""
    lines = []
    for pair in pairs:
        name = f"{preset} {pair['point']}".strip() + (f" clip {pair['repeat'] + 1}" if pair["repeat"] else "")
        if pair["approved"]["sheet"] and pair["now"]["sheet"]:
            lines.append(f"  {name} side by side: approved {_shown(pair['approved']['sheet'], root)}, "
                         f"now {_shown(pair['now']['sheet'], root)}")
        lines += [f"  {name}: {problem}" for problem in pair["problems"]]
    return lines


def _shown(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path
