"""The verdicts of a run: renders analysed and scored once, shared by the items that ask.

A sweep item asks for its point's verdict; the regression item asks for every point's verdict
and the run's record, which it compares with (or, with ``--preset-approve``, writes as) the
approved one. Clips are analysed through the facts committed beside the media and the
content-hash cache, so a fresh clone of a suite whose analyses are committed decodes nothing, and
neither does a second run. Contact sheets are drawn only when something shows them (the HTML
report, or the failure of a point).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelgate.preset.model import Preset
from reelgate.run.analyzer import Analyzer
from reelgate.run.config import RunConfig
from reelgate.run.hub import RenderHub
from reelgate.run.ledger import RunLedger
from reelgate.run.outcomes import RENDER_FAILED, RUBRIC_FAILED, point_outcome
from reelgate.verdict.record import RunRecord
from reelgate.verdict.rubric import ClipVerdict, judge_clip
from reelgate.verdict.usable import PointVerdict, judge_point

ARTIFACTS = Path(".reelgate") / "artifacts"


@dataclass
class PointResult:
    """A sweep point: its verdict (None if no render produced a clip) and what went wrong."""

    verdict: PointVerdict
    problems: list[str] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # render key -> contact sheet path
    cost_usd: float = 0.0
    renders: list[Any] = field(default_factory=list)  # the contract reports
    causes: list[str] = field(default_factory=list)  # why each render gave no usable clip

    @property
    def outcome(self) -> str:
        """The verdict when the point passes, else what failed it (``reelgate.run.outcomes``)."""
        return point_outcome(self.verdict.verdict, self.causes)


class Judge:
    """Judges each sweep point once; ``ledger()`` opens the run's ledger for its rows."""

    def __init__(self, conf: RunConfig, hub: RenderHub, analyzer: Analyzer,
                 ledger: Callable[[], RunLedger]) -> None:
        self.conf = conf
        self.root = conf.root
        self.hub = hub
        self.analyzer = analyzer
        self._ledger = ledger
        self._points: dict[tuple[str, str], PointResult] = {}

    def point(self, preset: Preset, point: str) -> PointResult:
        key = (preset.id, point)
        if key not in self._points:
            self._points[key] = self._judge(preset, point)
        return self._points[key]

    def _judge(self, preset: Preset, point: str) -> PointResult:
        rendered = self.hub.results(preset, point)
        clips: list[ClipVerdict] = []
        problems: list[str] = []
        causes: list[str] = []
        paths: dict[str, str] = {}
        reports = []
        for render in rendered:
            if render.error is not None:
                problems.append(render.error)
                causes.append(render.cause or RENDER_FAILED)
                if render.report is not None:  # rendered (and paid for), then refused: still logged
                    reports.append(render.report)
                continue
            report = render.report
            reports.append(report)
            if not report.passed:
                problems.append(f"{report.key}: " + "; ".join(report.problems))
                causes.append(RENDER_FAILED)
                continue
            if render.identity is not None and report.clip_path:  # hashed as it was stored
                self.analyzer.known(report.clip_path, *render.identity)
            verdict = self.judge_file(preset, report.key, report.clip_path, problems)
            if verdict is None:  # the clip cannot be decoded: the render gave no clip
                causes.append(RENDER_FAILED)
                continue
            clips.append(verdict)
            paths[report.key] = report.clip_path
            if not verdict.usable:
                causes.append(RUBRIC_FAILED)
        result = judge_point(point, preset.sweep[point], clips, preset.min_usable, preset.repeats)
        sheets = self._sheets(result, paths, problems)
        self._log(preset, point, reports, clips)
        outcome = PointResult(result, problems, sheets, round(sum(r.cost_usd for r in reports), 4), reports,
                              causes)
        self._remember(preset, point, outcome, paths)
        return outcome

    def judge_file(self, preset: Preset, key: str, path: str, problems: list[str]) -> ClipVerdict | None:
        """One clip on the preset's rubric (None, with the reason in ``problems``, when unreadable);
        the regression's side-by-side view judges the approved clip with it too."""
        from reelgate.analysis import AnalysisError

        try:
            analysis = self.analyzer.analyze(path)
        except AnalysisError as exc:
            problems.append(f"{key}: the clip cannot be analysed: {exc}")
            return None
        shot_cuts, shot_analyses, shifts = (self._shots(preset, path, analysis, problems, key)
                                            if preset.multi_shot else (None, None, None))
        return judge_clip(key, analysis, preset.thresholds.rubric, preset.camera, shot_cuts,
                          shot_analyses, shifts)

    def _sheets(self, result: PointVerdict, paths: dict[str, str], problems: list[str]) -> dict[str, str]:
        """A sheet per clip: full size for a clip that needs a look (or at a failing point), small
        for a clean pass, so a report of many passing points stays light; drawn only when
        something shows them: the HTML report (or a shard's results, merged into one), or the failure
        a point reports."""
        shown = (self.conf.html is not None or self.conf.results is not None or result.verdict == "fail"
                 or (self.conf.strict and result.verdict == "pass-with-edits"))
        if not shown:  # nothing would show a sheet: no decode, and PyAV and OpenCV stay unloaded
            return {}
        sheets: dict[str, str] = {}
        for verdict in result.clips:
            size = "small" if verdict.verdict == "pass" and result.verdict != "fail" else "full"
            import av

            from reelgate.verdict.contact_sheet import SHEET_SUFFIX, write_contact_sheet

            # Named by the clip, its faults and size, so an unchanged clip's sheet is drawn once.
            marks = ",".join(f"{t:.3f}:{k}" for t, k in verdict.faults())
            tag = hashlib.sha256(f"{verdict.clip}|{marks}|{size}".encode()).hexdigest()[:12]
            target = self.root / ARTIFACTS / f"{verdict.key}.{tag}{SHEET_SUFFIX}"
            try:
                if not target.is_file():
                    write_contact_sheet(Path(paths[verdict.key]), verdict.faults(), target, size)
                sheets[verdict.key] = str(target)
            except (OSError, ValueError, IndexError, av.FFmpegError) as exc:  # IndexError: no video stream
                problems.append(f"{verdict.key}: no contact sheet ({exc})")
        return sheets

    def _remember(self, preset: Preset, point: str, outcome: PointResult, paths: dict[str, str]) -> None:
        """This point's clips as ``reelgate review`` reads them later, without rendering."""
        from reelgate.run.review import remember_point

        try:
            remember_point(self.conf, preset, point, outcome.verdict, paths)
        except OSError as exc:
            outcome.problems.append(f"{preset.id} sweep[{point}]: not kept for reelgate review ({exc})")

    def _shots(self, preset: Preset, path: str, analysis: Any, problems: list[str], key: str
               ) -> tuple[Any, dict[int, Any], list[Any]]:
        """A multi-shot clip's cuts against its declared shots, each shot analysed alone, and
        how far each shot's subject looks from shot 1's."""
        from reelgate.run.travel import shot_key
        from reelgate.verdict.same_subject import SubjectShift
        from reelgate.verdict.shots import MIN_SHOT_FRAMES, check_shot_cuts

        cuts = check_shot_cuts(preset.shots, preset.shot_type == "intelligence", analysis,
                               preset.thresholds.rubric.cut_tolerance_frames, preset.camera)
        keys = {w.index: shot_key(w.first, w.end) for w in cuts.windows if w.end - w.first >= MIN_SHOT_FRAMES}
        travel = self.analyzer.travel
        facts = travel.get(analysis.sha256) if travel is not None else None
        if (facts is not None and facts.subject_shifts is not None
                and all(name in facts.shots for name in keys.values())):
            stored = {index: facts.shots[name].model_copy(update={"file": f"{path} shot {index}"})
                      for index, name in keys.items()}
            return cuts, stored, [SubjectShift(*shift) for shift in facts.subject_shifts]
        import av  # splitting and comparing shots decodes: a clip whose facts travel does not

        from reelgate.analysis import AnalysisError
        from reelgate.verdict.same_subject import shot_signatures, subject_shifts
        from reelgate.verdict.split import split_shots

        try:
            paths = split_shots(Path(path), analysis.sha256, cuts.windows, self.root)
        except (OSError, av.FFmpegError) as exc:
            problems.append(f"{key}: the clip cannot be split into its shots: {exc}")
            return cuts, {}, []
        analyses = {}
        for index, shot in paths.items():
            try:
                analyses[index] = self.analyzer.analyze(str(shot))
            except AnalysisError as exc:
                problems.append(f"{key}: shot {index} cannot be analysed: {exc}")
        try:
            boxes = {index: shot.subject.box for index, shot in analyses.items()}
            shifts = subject_shifts(shot_signatures(paths, boxes))
        except (OSError, av.FFmpegError) as exc:
            problems.append(f"{key}: the shots' subjects cannot be compared: {exc}")
            shifts = []
        identity = self.analyzer.identify(path)
        if travel is not None and identity is not None and travel.carries(analysis.sha256):
            travel.add(analysis.sha256, identity[1],
                       shots={keys[index]: shot for index, shot in analyses.items()},
                       subject_shifts=[(s.index, s.against, s.distance) for s in shifts])
        return cuts, analyses, shifts

    def _log(self, preset: Preset, point: str, reports: list[Any], clips: list[ClipVerdict]) -> None:
        """One ledger row per render: its verdict, scores, cost (or its unknown charge) and latency."""
        from reelgate.run.ledger import render_row

        ledger = self._ledger()
        by_key = {clip.key: clip for clip in clips}
        hub = self.hub
        rows = []
        for report in reports:
            clip = by_key.get(report.key)
            repeat = int(report.key.rsplit("-", 1)[1]) if report.key.split("/")[-1] != point else 0
            unknown = hub.unknown_charge(report.key)
            rows.append(render_row(
                ledger, preset, point, repeat, provider=report.served_by or report.provider,
                model=report.served_model or report.model, source=hub.source_of(report.key),
                verdict=clip.verdict if clip else "error", metrics=clip.metrics if clip else None,
                cost_usd=report.cost_usd + (unknown[0] if unknown else 0.0),
                latency_s=report.timings.total_s, charge="unknown" if unknown else "known",
                task_id=unknown[1] if unknown else hub.task_id(report.key)))
            hub.logged.add(report.key)
        ledger.append(rows)

    def record(self, preset: Preset) -> RunRecord:
        """This run of the preset, as the regression compares it with the approved record."""
        from reelgate.analysis import ANALYZER_VERSION
        from reelgate.cassettes.fingerprint import fingerprint, normalized, reference_id
        from reelgate.plan import requests_for_point
        from reelgate.verdict.record import point_record, run_record

        points = {}
        for point in preset.sweep:
            request = requests_for_point(preset, point, self.conf.override())[0]
            points[point] = point_record(self.point(preset, point).verdict, fingerprint(normalized(request)))
        references = (reference_id(preset.reference_video), reference_id(preset.reference_image))
        return run_record(preset, points, references, ANALYZER_VERSION)
