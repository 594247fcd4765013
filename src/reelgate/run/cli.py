"""``reelgate review PRESET [POINT]``: approved against now for one preset, without rendering.

It reads the approved record (its clips by content hash) and the clips the latest run kept of
each point (``.reelgate/latest``), draws the two contact sheets of each pair at the same times
and writes the page the run report shows for a moved point, with both clips playable beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reelgate.run.review import LATEST, LATEST_FORMAT, point_pairs


class ReviewError(Exception):
    """Nothing to review; the message says why and what to run."""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    review = subparsers.add_parser(
        "review", help="approved against the latest run, side by side, for one preset (no rendering)")
    review.add_argument("preset", help="the preset's id")
    review.add_argument("point", nargs="?", help="one sweep point (default: every point the run kept)")
    review.add_argument("-o", "--output", type=Path,
                        help="the page to write (default: .reelgate/review/PRESET.html); the clips "
                        "go to PAGE-media/ beside it")
    review.set_defaults(func=_review)


def _review(args: argparse.Namespace) -> int:
    from reelgate.extras import missing
    from reelgate.preset.project import ProjectError, find_project

    if absent := missing("report"):
        print(f"reelgate review: {absent}", file=sys.stderr)
        return 2
    try:
        root = find_project([], Path.cwd()).root
        page, lines = write_review(root, args.preset, args.point, args.output)
    except (ProjectError, ReviewError) as exc:
        print(f"reelgate review: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print(f"reelgate review: written to {page}")
    return 0


def write_review(root: Path, preset_id: str, point: str | None,
                 output: Path | None) -> tuple[Path, list[str]]:
    """The review page of ``preset_id`` (and the lines a terminal prints); ReviewError when the
    latest run kept nothing of it or it has no approved record to compare with."""
    from reelgate.records.run_html import write_review_html
    from reelgate.run.review import pair_lines
    from reelgate.verdict.approved import BrokenApproval, approved_path, load_approved

    kept = _kept(root, preset_id, point)
    first = kept[0]
    approved_file = approved_path(Path(first["approved"]), preset_id)
    try:
        approved = load_approved(approved_file)
    except BrokenApproval as exc:
        raise ReviewError(str(exc)) from None
    if approved is None:
        raise ReviewError(f"{preset_id} is not approved yet ({approved_file} does not exist): nothing to "
                          "compare with; approve it with pytest --preset-approve")
    faults_of = _judge(root, Path(first["source"]), preset_id)
    pairs = []
    for data in kept:
        pairs += point_pairs(root, Path(data["cassettes"]), preset_id, data["point"], approved,
                             data["clips"], faults_of)
    target = output or root / ".reelgate" / "review" / f"{preset_id}.html"
    facts = [f"approved v{approved.version} ({approved.approved_by}, {approved.approved_at}) against the "
             f"latest run's clips ({', '.join(d['point'] + ': ' + d['verdict'] for d in kept)})"]
    write_review_html(preset_id, facts, pairs, root, target)
    return target, pair_lines(pairs, root)


def _kept(root: Path, preset_id: str, point: str | None) -> list[dict[str, Any]]:
    folder = root / LATEST / preset_id
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise ReviewError(f"no run of {preset_id!r} kept in {folder}: run its sweep first "
                          f"(pytest -k {preset_id}), then review")
    kept = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReviewError(f"{file}: unreadable ({exc}); run the preset again to rewrite it") from None
        if not isinstance(data, dict) or data.get("format") != LATEST_FORMAT:
            raise ReviewError(f"{file}: not a run kept by this reelgate; run the preset again to rewrite it")
        kept.append(data)
    if point is not None:
        chosen = [d for d in kept if d.get("point") == point]
        if not chosen:
            names = ", ".join(str(d.get("point")) for d in kept)
            raise ReviewError(f"{preset_id} has no point {point!r} in the latest run (it kept: {names})")
        return chosen
    return kept


def _judge(root: Path, source: Path, preset_id: str) -> Any:
    """The approved clip's faults on the preset's rubric as it is now (analysis from the cache);
    a preset that no longer loads frames no faults."""
    from reelgate.plan.checked import load_checked
    from reelgate.preset.project import find_project
    from reelgate.run.analyzer import Analyzer
    from reelgate.verdict.rubric import judge_clip

    loaded: list[Any] = []  # the preset, loaded on the first clip there is to judge

    def faults_of(path: str) -> list[tuple[float, str]] | None:
        from reelgate.analysis import AnalysisError

        if not loaded:
            result = None
            if source.is_file():
                project = find_project([source], root)
                checked = load_checked(project.root, [source], project.scenarios, memo=False)
                result = checked.results.get(source.resolve())
            loaded.append(result.preset if result else None)
        preset = loaded[0]
        if preset is None or preset.id != preset_id:
            return None
        try:
            analysis = Analyzer(root, offline=True).analyze(path)
        except AnalysisError:
            return None
        shot_cuts = None
        if preset.multi_shot:  # its cuts against the declared shots; shots are not split here
            from reelgate.verdict.shots import check_shot_cuts

            shot_cuts = check_shot_cuts(preset.shots, preset.shot_type == "intelligence", analysis,
                                        preset.thresholds.rubric.cut_tolerance_frames, preset.camera)
        return judge_clip("approved", analysis, preset.thresholds.rubric, preset.camera, shot_cuts,
                          {}).faults()

    return faults_of
