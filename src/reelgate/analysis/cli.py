"""``reelgate analyze CLIP [--json]``: the analysis of one clip, as a summary or JSON."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from reelgate.analysis.errors import AnalysisError

# A clip shorter than this decodes in about a second at 1080p: a progress line would only flash.
PROGRESS_MIN_CLIP_S = 4.0
# Before this share of the clip is read, a time left would be a guess: none is shown.
PROGRESS_ETA_FROM = 0.1
# Redraw the progress line at most this often (seconds): often enough to look alive, rarely
# enough to cost nothing next to decoding.
PROGRESS_REDRAW_S = 0.2


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
    shown = DecodeProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        analysis = analyze_clip(args.clip, root=args.root, cache=cache,
                                on_frame=shown.frame if shown else None)
    except AnalysisError as exc:
        if shown:
            shown.clear()
        print(f"reelgate analyze: {exc}", file=sys.stderr)
        return 2
    if shown:
        shown.clear()
    from reelgate.analysis.summary import summary

    try:
        print(analysis.to_json() if args.json else summary(analysis), flush=True)
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


class DecodeProgress:
    """One line on a terminal, rewritten in place: how much of the clip is analysed, for how
    long, and about how long is left; nothing for short clips, cleared when done."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None

    def frame(self, at: float, duration: float | None) -> None:
        if duration is None or duration < PROGRESS_MIN_CLIP_S:
            return
        now = self.clock()
        if self.drawn_at is not None and now - self.drawn_at < PROGRESS_REDRAW_S:
            return
        self.drawn_at = now
        elapsed = now - self.started
        share = min(max(at / duration, 0.0), 1.0)
        left = (f", about {elapsed * (1 - share) / share:.0f} s left"
                if share >= PROGRESS_ETA_FROM else "")
        self.stream.write(f"\ranalysing: {at:.1f} of {duration:.1f} s of clip ({share:.0%}), "
                          f"{elapsed:.0f} s elapsed{left}\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the line, so the summary (or the error) starts at a clean line."""
        if self.drawn_at is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
