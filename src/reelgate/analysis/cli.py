"""``reelgate analyze CLIP [--json]``: the analysis of one clip, as a summary or JSON."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reelgate.analysis.errors import AnalysisError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` subcommand to the ``reelgate`` parser."""
    parser = subparsers.add_parser(
        "analyze",
        help="measure a clip: facts, camera, continuity, subject, motion, quality",
        description="Decode a clip once and report its camera moves, cuts and glitches, "
        "subject integrity, motion and picture quality. Times are seconds from the first frame.",
    )
    parser.add_argument("clip", nargs="?", help="video file to analyse")
    parser.add_argument(
        "--schema",
        action="store_true",
        help="print the JSON Schema of the --json output instead (no clip needed)",
    )
    parser.add_argument("--json", action="store_true", help="print the full analysis as JSON")
    parser.add_argument("--root", help="refuse clips that resolve outside this directory")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="reuse and store analyses in .reelgate/cache/analysis under --root (or here)",
    )
    parser.set_defaults(func=run)


def output_schema_text() -> str:
    """The JSON Schema of ``reelgate analyze --json``, as published in analysis.schema.json."""
    import json

    from reelgate.analysis.model import ClipAnalysis

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ClipAnalysis.model_json_schema(mode="serialization"),
        "title": "reelgate analyze --json",
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    from reelgate.analysis import analyze_clip
    from reelgate.analysis.cache import AnalysisCache

    if args.schema:
        sys.stdout.write(output_schema_text())
        return 0
    if args.clip is None:
        print("reelgate analyze: give a clip to analyse (or --schema)", file=sys.stderr)
        return 2
    cache = AnalysisCache(Path(args.root or ".")) if args.cache else None
    try:
        analysis = analyze_clip(args.clip, root=args.root, cache=cache)
    except AnalysisError as exc:
        print(f"reelgate analyze: {exc}", file=sys.stderr)
        return 2
    from reelgate.analysis.summary import summary

    try:
        print(analysis.to_json() if args.json else summary(analysis), flush=True)
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
