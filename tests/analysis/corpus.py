"""The labelled real footage (../shared/media and its dev/ folder) and how a result is scored
against it, shared by the validation tests and tests/bench/bench_accuracy.py.

Labels are read from dev/labels.json, never copied here; the four clips of ../shared/media carry
the facts their README and PySceneDetect's tests give (written once, below). Scoring follows the
conventions of dev/README.md: camera moves compared as a set, a cut matched within one frame
(1/fps + 1 ms) one to one, a glitch within 0.25 s of its time or its span, and on a clean clip any
cut or glitch is a false alarm.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reelgate.analysis.model import ClipAnalysis, Glitch

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "media"
DEV = MEDIA / "dev"
GLITCH_WINDOW = 0.25  # seconds between a labelled glitch and a reported one
CUT_SLACK = 0.001  # seconds of rounding allowed on top of one frame


@dataclass(frozen=True)
class LabelledClip:
    """One clip with the judgments it is labelled for (None: not labelled for that one)."""

    path: Path
    source: str
    moves: frozenset[str] | None = None
    cuts: tuple[float, ...] | None = None
    glitches: tuple[float, ...] | None = None  # times; () on a clean clip
    fps: float = 25.0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def clean(self) -> bool:
        return self.glitches == () and not self.cuts


# ../shared/media: testvideo.mp4 changes at once from the black title to the leaf (frame 30) and
# from the leaf to black (180); the rest are fades and a dissolve. fades.mp4 only fades. counter.mp4
# changes its card's colour at once every second.
_SHARED = [
    ("testvideo.mp4", frozenset({"locked"}), (30 * 1001 / 30000, 180 * 1001 / 30000), (), 29.97),
    ("fades.mp4", frozenset({"locked"}), (), (), 25.0),
    ("counter.mp4", None, (1.0, 2.0), (), 10.0),
    ("delayed_start.mp4", None, (), (), 25.0),
]


def _source_of(entry: dict) -> str:
    segment = entry["segments"][0]
    return str(segment.get("repository") or segment.get("package"))


def labelled_clips() -> list[LabelledClip]:
    """Every labelled clip present: ../shared/media's four and dev/'s, in a fixed order."""
    clips = [
        LabelledClip(MEDIA / name, "pyscenedetect", moves, cuts, glitches, fps)
        for name, moves, cuts, glitches, fps in _SHARED
        if (MEDIA / name).is_file()
    ]
    labels = DEV / "labels.json"
    if not labels.is_file():
        return clips
    for entry in json.loads(labels.read_text(encoding="utf-8"))["clips"]:
        given = entry["labels"]
        clips.append(
            LabelledClip(
                DEV / entry["file"],
                _source_of(entry),
                moves=frozenset(given["moves"]) if "moves" in given else None,
                cuts=tuple(given["cuts"]) if "cuts" in given else None,
                glitches=tuple(g["time"] for g in given["glitches"]) if "glitches" in given else None,
                fps=float(entry["fps"]),
            )
        )
    return clips


def reported_moves(analysis: ClipAnalysis) -> frozenset[str]:
    """The set of camera move names the analysis reports (its documented ``camera.moves``)."""
    return frozenset(analysis.camera.moves)


def _match(found: Iterable[float], wanted: Iterable[float], window: float) -> tuple[int, int]:
    """(labels matched, reports matching nothing), pairing each label with one report."""
    left = sorted(found)
    matched = 0
    for want in sorted(wanted):
        near = [t for t in left if abs(t - want) <= window]
        if near:
            left.remove(min(near, key=lambda t: abs(t - want)))
            matched += 1
    return matched, len(left)


def _match_glitches(found: Iterable[Glitch], wanted: Iterable[float]) -> tuple[int, int]:
    """(labels matched, reports matching nothing): a report matches a label within
    GLITCH_WINDOW of its time or of its span (a corrupted span is one glitch), one to one."""
    left = sorted(found, key=lambda g: g.time)

    def distance(glitch: Glitch, want: float) -> float:
        inside = max(glitch.start - want, 0.0, want - glitch.end)
        return min(abs(glitch.time - want), inside)

    matched = 0
    for want in sorted(wanted):
        near = [g for g in left if distance(g, want) <= GLITCH_WINDOW]
        if near:
            left.remove(min(near, key=lambda g: distance(g, want)))
            matched += 1
    return matched, len(left)


# The lowest subject bound of the shipped scenarios (dance, presets/scenarios.yaml): real footage
# as filmed has an intact subject, so a score under it is a good clip the gate would fail.
SUBJECT_BOUND = 0.55


@dataclass
class Score:
    """What one clip's analysis got right against its labels."""

    clip: LabelledClip
    moves: frozenset[str] = frozenset()
    camera_right: bool | None = None
    cuts_found: int = 0
    cuts_false: int = 0
    glitches_found: int = 0
    glitches_false: int = 0
    subject: float | None = None  # clips with no injected fault: the subject score
    flagged: bool | None = None  # clean clips only: any cut or glitch reported
    uncertain: bool | None = None  # clean clips only: any uncertain evidence reported
    notes: list[str] = field(default_factory=list)


def score(clip: LabelledClip, analysis: ClipAnalysis) -> Score:
    result = Score(clip)
    continuity = analysis.continuity
    if clip.moves is not None:
        result.moves = reported_moves(analysis)
        result.camera_right = result.moves == clip.moves
    if clip.cuts is not None:
        result.cuts_found, result.cuts_false = _match(
            continuity.cuts, clip.cuts, 1 / clip.fps + CUT_SLACK
        )
    if clip.glitches is not None:
        result.glitches_found, result.glitches_false = _match_glitches(
            continuity.glitches, clip.glitches
        )
    if not clip.glitches:  # real footage as filmed: its subject is intact
        result.subject = analysis.subject.score
    if clip.clean:
        result.flagged = bool(continuity.cuts or continuity.glitches)
        result.uncertain = bool(continuity.uncertain)
    result.notes = [f"cut@{t:.2f}" for t in continuity.cuts] + [
        f"{g.kind}@{g.time:.2f}" + (f"({g.start:.2f}-{g.end:.2f})" if g.end > g.start else "")
        for g in continuity.glitches
    ] + [f"uncertain {u.kind}@{u.time:.2f}-{u.end:.2f} ({u.reason})" for u in continuity.uncertain]
    return result


@dataclass(frozen=True)
class Figures:
    """The accuracy figures of a set of scored clips."""

    camera: tuple[int, int]  # right, labelled
    cuts: tuple[int, int, int]  # found, labelled, false
    glitches: tuple[int, int, int]  # found, labelled, false (in clips labelled for glitches)
    clean: tuple[int, int, int]  # flagged, uncertain, clean clips
    subject: tuple[int, int] = (0, 0)  # intact subjects scored under SUBJECT_BOUND, intact clips

    @classmethod
    def of(cls, scores: list[Score]) -> Figures:
        cam = [s for s in scores if s.camera_right is not None]
        cut = [s for s in scores if s.clip.cuts is not None]
        glt = [s for s in scores if s.clip.glitches is not None]
        clean = [s for s in scores if s.clip.clean]
        intact = [s.subject for s in scores if s.subject is not None]
        return cls(
            subject=(sum(v < SUBJECT_BOUND for v in intact), len(intact)),
            camera=(sum(bool(s.camera_right) for s in cam), len(cam)),
            cuts=(
                sum(s.cuts_found for s in cut),
                sum(len(s.clip.cuts or ()) for s in cut),
                sum(s.cuts_false for s in cut),
            ),
            glitches=(
                sum(s.glitches_found for s in glt),
                sum(len(s.clip.glitches or ()) for s in glt),
                sum(s.glitches_false for s in glt),
            ),
            clean=(
                sum(bool(s.flagged) for s in clean),
                sum(bool(s.uncertain) for s in clean),
                len(clean),
            ),
        )

    def line(self) -> str:
        def share(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.0f}%)" if b else f"{a}/{b}"

        return (
            f"camera {share(*self.camera)}; cuts {share(*self.cuts[:2])}, {self.cuts[2]} false; "
            f"glitches {share(*self.glitches[:2])}, {self.glitches[2]} false; clean flagged "
            f"{share(self.clean[0], self.clean[2])}, uncertain {share(self.clean[1], self.clean[2])}; "
            f"intact subjects under {SUBJECT_BOUND} {share(*self.subject)}"
        )

    def meets_targets(self) -> list[str]:
        """What falls short of the issue's targets (empty when every one is met)."""
        short = []
        right, total = self.camera
        if total and right / total < 0.95:
            short.append(f"camera {right}/{total} < 95%")
        found, labelled, false = self.cuts
        if found < labelled or false:
            short.append(f"cuts {found}/{labelled} with {false} false")
        found, labelled, _ = self.glitches
        if labelled and found / labelled < 0.9:
            short.append(f"glitches {found}/{labelled} < 90%")
        flagged, uncertain, clean = self.clean
        if clean and flagged / clean > 0.05:
            short.append(f"clean clips flagged {flagged}/{clean} > 5%")
        if clean and uncertain / clean > 0.15:
            short.append(f"clean clips uncertain {uncertain}/{clean} > 15%")
        under, intact = self.subject
        if intact and under / intact > 0.05:
            short.append(f"intact subjects under {SUBJECT_BOUND} {under}/{intact} > 5%")
        return short


def leave_one_source_out(scores: list[Score]) -> dict[str, Figures]:
    """The figures with each source's clips left out in turn."""
    sources = sorted({s.clip.source for s in scores})
    return {src: Figures.of([s for s in scores if s.clip.source != src]) for src in sources}
