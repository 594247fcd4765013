"""The run's render side: the plan, the recorder and the render service.

Nothing renders itself: a sweep point asks the hub for its results and waits only for its
own. Without xdist every selected render starts together when the first sweep item runs;
under xdist a worker cannot know which items it will be given, so it starts a preset's
renders when the first of its items arrives (``--dist loadfile`` keeps a preset's items on
one worker).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from reelgate.preset.model import Preset
from reelgate.run.config import RunConfig
from reelgate.run.inflight import Terminate, UnjudgedRows
from reelgate.run.outcomes import RENDER_FAILED, cassette_cause
from reelgate.run.replayed import Remembered, ReplayMemo

if TYPE_CHECKING:
    from reelgate.run.ledger import RunLedger
    from reelgate.run.travel import TravelStore

T = TypeVar("T")
# The parse of each replayed cassette, kept for the next run (cassettes/format.py: _deserialize).
PARSED_CASSETTES = Path(".reelgate") / "cache" / "cassettes"


class RenderWatch(Protocol):
    """Who shows the renders' progress (the pytest glue: a terminal status line)."""

    def stage(self, key: str, state: str) -> None:
        """Render ``key`` entered ``state`` (the service's states, ``done`` of a render its
        recording answered is ``replayed``); called on the render loop: quick, never raises."""

    def wait(self, result: Callable[[float], T]) -> T:
        """Block on ``result(timeout)`` (which raises TimeoutError while the render runs),
        showing progress meanwhile; return its value."""


@dataclass(frozen=True)
class Rendered:
    """One render's outcome as an item sees it: a contract report, or why it could not run."""

    key: str
    report: object | None  # reelgate.render.contract.ContractReport
    error: str | None
    cause: str | None = None  # with an error: its outcome name (``reelgate.run.outcomes``)
    identity: tuple[str, int] | None = None  # the stored clip's (sha256, size), hashed as stored


class RenderHub:
    """``ledger()`` gives the run's ledger, opening it (renders write rows while in flight);
    ``open_ledger()`` gives it only if it is open; ``watch`` shows the renders' progress;
    ``travel``: the facts committed beside the media, so a replayed clip known to them is neither
    decoded to be stored nor opened to be probed."""

    def __init__(self, conf: RunConfig, ledger: Callable[[], RunLedger],
                 open_ledger: Callable[[], RunLedger | None],
                 watch: RenderWatch | None = None, travel: TravelStore | None = None) -> None:
        from reelgate.cassettes import Recorder
        from reelgate.render.service import RenderOptions

        self.conf = conf
        self.mode = conf.record
        self.override = conf.override()
        self._ledger = ledger
        self._open_ledger = open_ledger
        self._watch = watch
        self.travel = travel
        self.recorder = Recorder(conf.cassettes, self.mode, parsed=conf.root / PARSED_CASSETTES)
        self.options = self._options(RenderOptions)
        self._service = None
        # Renders a warm replay does not play again: their results, kept by an earlier run
        self._replays = Remembered(_replay_memo(conf, self.recorder.media_dir))
        self._requests: dict[str, object] = {}
        self._errors: dict[str, str] = {}
        self._causes: dict[str, str] = {}  # render key -> outcome name of its error
        self._started: set[tuple[str, str]] = set()
        self.unsaved: dict[str, str] = {}  # render key -> "kept" | "not_recorded" (it failed)
        self._renders: dict[str, tuple[Preset, str, int]] = {}
        self._results: dict[str, object] = {}
        self.logged: set[str] = set()  # render keys with their final ledger row
        self.reconciled: tuple[int, int] | None = None
        self._terminate = Terminate()
        self._unjudged = UnjudgedRows(open_ledger, self._renders, self.logged, self.source_of)
        self._whole_presets = conf.whole_presets
        # An xdist worker's selected sweep points (after -k, -m and skips): rendering a whole
        # preset never pays for a point the user deselected. None: no selection was given.
        self.selected: frozenset[tuple[str, str]] | None = None

    def _options(self, factory: type) -> object:
        """Render options; a live run shares one budget file with every process of the run."""
        from reelgate.render.budget import SharedBudget, remove_finished_runs, run_directory
        from reelgate.render.flight import is_live

        replay = self.conf.replay
        max_cost = self.conf.max_cost
        budget = None
        url = self.override.base_url if self.override else None
        if is_live(None, replay, url):
            run_id = self._ledger().run_id
            if self.conf.worker is None:
                remove_finished_runs(self.conf.root, keep=run_id)
            budget = SharedBudget(max_cost, run_directory(self.conf.root, run_id))
        return factory(
            media_root=self.conf.root,
            base_urls=({self.override.name: self.override.base_url}
                       if self.override and self.override.base_url else {}),
            concurrency=self.conf.concurrency,
            max_cost=max_cost,
            transport=self.recorder.transport(),
            replay=replay,
            poll_interval=self.conf.poll_interval or _local_poll(self.override),
            budget=budget,
            on_task=None if replay else self._task_accepted,
            run_id=None if replay else getattr(self._open_ledger(), "run_id", None),
            on_progress=self._stage if self._watch is not None else None,
            vouched=self.travel.vouches if self.travel is not None else None,
        )

    # -- planning --------------------------------------------------------------------------

    def start(self, wanted: Iterable[tuple[Preset, str]]) -> None:
        """Prepare recordings and begin the renders of these sweep points (each at most once)."""
        from reelgate.cassettes import CassetteError
        from reelgate.plan import PlanError, requests_for_point
        from reelgate.providers import ProviderConfigError
        from reelgate.render.cost import CostLimitError

        batch = []
        for preset, point in wanted:
            if (preset.id, point) in self._started:
                continue
            self._started.add((preset.id, point))
            try:
                requests = requests_for_point(preset, point, self.override)
            except PlanError as exc:
                self._fail_point(preset, point, str(exc))
                continue
            self.recorder.remove_other_repeats(preset.id, point, {r.key for r in requests})
            for request in requests:
                self._requests[request.key] = request
                self._renders[request.key] = (preset, point, request.repeat)
                if self._replays.answer(request, self.recorder.path_for(request)) is not None:
                    self._stage(request.key, "done")
                    continue
                try:
                    self.recorder.prepare(request)
                except CassetteError as exc:
                    self._errors[request.key] = f"{exc}\n{self._fix_hint(preset, exc)}"
                    self._causes[request.key] = cassette_cause(exc)
                    continue
                batch.append(request)
        if not batch:
            return
        if self.reconciled is None and not self.options.replay and self.conf.worker in (None, "gw0"):
            from reelgate.run.ledger import reconcile

            self.reconciled = reconcile(self._ledger(), self.service.task_charges)
        self._terminate.install()  # renders are about to be in flight
        try:
            self.service.start(batch)
        except (ProviderConfigError, CostLimitError, ValueError) as exc:
            for request in batch:
                self._errors[request.key] = f"renders not started: {exc}"

    def _keep_replay(self, key: str, result: object, finished: str) -> None:
        """A render just replayed whole from its cassette, for the next run."""
        session = self.recorder.session_for(key)
        if (finished != "unchanged" or not getattr(result, "ok", False) or session is None
                or not session.replay or session.sent):
            return
        self._replays.keep(key, self.recorder.path_for(self._requests[key]),  # type: ignore[arg-type]
                           session.cassette.media(), result)

    def _fail_point(self, preset: Preset, point: str, message: str) -> None:
        for repeat in range(preset.repeats):
            self._errors[_key(preset.id, point, repeat)] = message

    def _fix_hint(self, preset: Preset, exc: Exception) -> str:
        from reelgate.cassettes import MissingRecording, StaleRecording

        where = os.path.relpath(preset.source, self.conf.root)
        if isinstance(exc, MissingRecording):
            mode = "once"
        elif isinstance(exc, StaleRecording):
            mode = "new_episodes"
        else:
            return "restore the file from version control, or re-record it (--preset-record=rewrite)"
        return (f"record it with: pytest {where} --preset-record={mode} (live: provider keys and "
                "--preset-max-cost; or against the simulator: --preset-provider kling "
                "--preset-provider-url http://127.0.0.1:8765 with 'reelgate simulate' running)")

    # -- results ---------------------------------------------------------------------------

    @property
    def service(self):  # type: ignore[no-untyped-def]
        if self._service is None:
            from reelgate.render.service import RenderService

            self._service = RenderService(self.options)
        return self._service

    def results(self, preset: Preset, point: str) -> list[Rendered]:
        """The renders of one sweep point, waiting for them (with a progress line when slow)."""
        from reelgate.cassettes import CassetteError

        if self._whole_presets:  # an xdist worker that is given whole files: render them together
            self.start((preset, p) for p in preset.sweep
                       if p == point or self.selected is None or (preset.id, p) in self.selected)
        else:
            self.start([(preset, point)])
        out = []
        for repeat in range(preset.repeats):
            key = _key(preset.id, point, repeat)
            if key in self._errors:
                out.append(Rendered(key, None, self._errors[key], self._causes.get(key, RENDER_FAILED)))
                continue
            result = self._wait(key)
            self._results[key] = result
            report = self._contract(key, result)
            try:
                finished = self.recorder.finish(key, succeeded=result.ok)
            except CassetteError as exc:
                self._errors[key] = str(exc)
                out.append(Rendered(key, report, str(exc), cassette_cause(exc)))  # refused, but paid: logged
                continue
            self._keep_probe(result, report)
            self._keep_replay(key, result, finished)
            if finished in ("kept", "not_recorded"):
                self.unsaved[key] = finished
                shown = self.recorder.shown(self.recorder.path_for(self._requests[key]))
                note = (f"{shown} kept unchanged: a failed render is never recorded" if finished == "kept"
                        else f"{shown} not written: a failed render is never recorded")
                report = replace(report, problems=(*report.problems, note))
            clip = getattr(result, "clip", None)
            out.append(Rendered(key, report, None,
                                identity=(clip.sha256, clip.size) if clip is not None else None))
        if self._service is not None and not self._service.interrupted():
            self._terminate.restore()  # nothing in flight: SIGTERM kills as usual again
        return out

    def _contract(self, key: str, result: object) -> object:
        """The output contract's report; a clip whose facts travel is not opened for its probe."""
        from reelgate.render.contract import check_output_contract

        clip = getattr(result, "clip", None)
        facts = self.travel.get(clip.sha256) if self.travel is not None and clip is not None else None
        if facts is not None and facts.probe is not None and facts.size == clip.size:
            known = facts.probe
            return check_output_contract(self._requests[key], result, reader=lambda _path: known)  # type: ignore[arg-type]
        return check_output_contract(self._requests[key], result)  # type: ignore[arg-type]

    def _keep_probe(self, result: object, report: object) -> None:
        """A recorded clip's probe travels with it (its analysis joins it when judged)."""
        clip, probe = getattr(result, "clip", None), getattr(report, "probe", None)
        if self.travel is None or clip is None or probe is None:
            return
        facts = self.travel.get(clip.sha256)
        if (facts is None or facts.probe is None) and self.travel.carries(clip.sha256):
            self.travel.add(clip.sha256, clip.size, probe=probe)

    def unsaved_count(self, preset: Preset, point: str, kind: str = "kept") -> int:
        """How many renders of a point failed in this recording run and so left their previous
        cassette as it was (``kept``) or wrote none (``not_recorded``)."""
        return sum(self.unsaved.get(_key(preset.id, point, r)) == kind for r in range(preset.repeats))

    def unknown_charge(self, key: str) -> tuple[float, str | None] | None:
        """(list price, task id) when render ``key`` may have been charged without our knowing."""
        result = self._results.get(key)
        if result is None or not result.charge_unknown:  # type: ignore[attr-defined]
            return None
        attempt = next(a for a in result.attempts if a.charge_unknown)  # type: ignore[attr-defined]
        return result.unknown_usd, attempt.task_id  # type: ignore[attr-defined]

    def task_id(self, key: str) -> str | None:
        result = self._results.get(key)
        return getattr(result, "task_id", None)

    # -- the ledger while renders are in flight ----------------------------------------------

    def _task_accepted(self, request: object, task_id: str | None, estimate: float) -> None:
        """On the render loop: a submit goes out (no task id yet) or the provider took the task;
        write it down before a kill can lose it."""
        key = request.key  # type: ignore[attr-defined]
        self._unjudged.write([(key, request, task_id, estimate)], "interrupted", now=True)

    def _wait(self, key: str):  # type: ignore[no-untyped-def]
        if key in self._replays.results:
            return self._replays.results[key]
        service = self.service
        if self._watch is None:
            return service.result(key)
        return self._watch.wait(lambda timeout: service.result(key, timeout=timeout))

    def _stage(self, key: str, state: str) -> None:
        if self._watch is not None:
            replayed = state == "done" and self.source_of(key) == "replayed"
            self._watch.stage(key, "replayed" if replayed else state)

    @property
    def source(self) -> str:
        """Where this run's clips come from: replayed, simulated (a local server) or live."""
        if self.options.replay:
            return "replayed"
        from reelgate.loopback import is_loopback_url

        if self.override is not None and is_loopback_url(self.override.base_url):
            return "simulated"
        return "live"

    def sources_of(self, keys: Iterable[str]) -> str:
        """Where a point's clips came from, e.g. ``replayed`` or ``replayed+simulated`` when a
        recording run replayed some renders and recorded others."""
        found = sorted({self.source_of(key) for key in keys})
        return "+".join(found) if found else self.source

    def source_of(self, key: str) -> str:
        """Where one render's clip came from: its recording (nothing went out), a provider on
        this machine (the simulator: free), or a live provider."""
        if key in self._replays.results:
            return "replayed"
        session = self.recorder.session_for(key)
        if session is not None and session.replay and not session.sent:
            return "replayed"
        return self.source

    def summary_line(self) -> str | None:
        progress = self._progress()
        if progress is None or not progress.total:
            return None
        if self.options.replay:
            source = self.recorder.shown(self.recorder.directory)
            return (f"reelgate: {progress.done} renders replayed from {source}, {progress.failed} "
                    f"failed; recorded cost ${progress.cost_usd:.2f}, nothing spent") + self.travel_note()
        where = f" via {self.override.base_url}" if self.override and self.override.base_url else ""
        return f"reelgate (--preset-record={self.mode}{where}): {progress.line()}" + unsaved_note(
            sum(v == "kept" for v in self.unsaved.values()),
            sum(v == "not_recorded" for v in self.unsaved.values()))

    def _progress(self):  # type: ignore[no-untyped-def]
        """The service's counts, with the renders an earlier run's replay answered."""
        return self._replays.counted_in(self._service.progress() if self._service is not None else None)

    def travel_note(self) -> str:
        """Stored analyses this replay could not use: each clip was decoded and analysed again."""
        foreign = self.travel.foreign() if self.travel is not None else 0
        if not foreign:
            return ""
        where = self.recorder.shown(self.recorder.media_dir)
        one = foreign == 1
        return (f"; {foreign} stored clip {'analysis' if one else 'analyses'} in {where} "
                f"{'is' if one else 'are'} of another analyzer (or damaged) and were recomputed: "
                "rewrite them with --preset-reanalyze and commit them")

    def close(self) -> None:
        try:
            if self._service is not None and not self.options.replay:
                self._unjudged.at_close(self._service, self._requests)
        finally:
            self._terminate.restore()
            if self._service is not None:
                self._service.close()
            budget = self.options.budget
            if budget is not None:
                budget.close()
            self._replays.save()


def unsaved_note(kept: int, not_recorded: int) -> str:
    """The summary's words for recordings a failed render did not touch."""
    parts = []
    if kept:
        parts.append(f"{kept} recording{'s' * (kept != 1)} kept unchanged because the render failed")
    if not_recorded:
        parts.append(f"{not_recorded} failed render{'s' * (not_recorded != 1)} not recorded")
    return "".join(f"; {part}" for part in parts)


def _local_poll(override: object | None) -> float | None:
    """A simulator on this machine answers at once: poll it often rather than every few seconds."""
    from reelgate.render.flight import is_local_url

    return 0.1 if is_local_url(getattr(override, "base_url", None)) else None


def _replay_memo(conf: RunConfig, media_dir: Path) -> ReplayMemo | None:
    """The memo of replayed renders, for a run that only replays (``--preset-record=none``)."""
    if not conf.replay:
        return None
    return ReplayMemo(conf.root, media_dir)


def _key(preset_id: str, point: str, repeat: int) -> str:
    return f"{preset_id}/{point}" + (f"-{repeat}" if repeat else "")

