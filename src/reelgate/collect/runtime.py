"""The run's render side, kept per session: the plan, the recorder and the render service.

Items never render themselves: a sweep item asks the hub for its results and waits only for
its own. Without xdist every selected render starts right after collection; under xdist a
worker cannot know which items it will be given, so it starts a preset's renders when the
first of its items arrives (``--dist loadfile`` keeps a preset's items on one worker).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reelgate.collect.config import Settings, provider_override, settings
from reelgate.preset.model import Preset

HUB_KEY = pytest.StashKey["RenderHub"]()
PROGRESS_EVERY_S = 2.0


@dataclass(frozen=True)
class Rendered:
    """One render's outcome as an item sees it: a contract report, or why it could not run."""

    key: str
    report: object | None  # reelgate.render.contract.ContractReport
    error: str | None


class RenderHub:
    def __init__(self, config: pytest.Config) -> None:
        from reelgate.cassettes import Recorder
        from reelgate.render.service import ProviderOverride, RenderOptions

        self.config = config
        self.settings: Settings = settings(config)
        self.mode = config.getoption("preset_record")
        override = provider_override(config)
        self.override = (ProviderOverride(override.name, override.base_url) if override else None)
        self.recorder = Recorder(self.settings.cassettes, self.mode)
        self.options = RenderOptions(
            media_root=self.settings.root,
            override=self.override,
            concurrency=config.getoption("preset_concurrency"),
            max_cost=config.getoption("preset_max_cost"),
            transport=self.recorder.transport(),
            replay=self.mode == "none",
            poll_interval=config.getoption("preset_poll_interval") or _local_poll(self.override),
        )
        self._service = None
        self._requests: dict[str, object] = {}
        self._errors: dict[str, str] = {}
        self._started: set[tuple[str, str]] = set()
        self.unsaved: dict[str, str] = {}  # render key -> "kept" | "not_recorded" (it failed)
        dist = getattr(config.option, "dist", "no")
        self._whole_presets = hasattr(config, "workerinput") and dist in ("loadfile", "loadscope")

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
                requests = requests_for_point(preset, point)
            except PlanError as exc:
                self._fail_point(preset, point, str(exc))
                continue
            for request in requests:
                sent = self.service.resolve(request)
                self._requests[request.key] = sent
                try:
                    self.recorder.prepare(sent)
                except CassetteError as exc:
                    self._errors[request.key] = f"{exc}\n{self._fix_hint(preset, exc)}"
                    continue
                batch.append(sent)
        if not batch:
            return
        try:
            self.service.start(batch)
        except (ProviderConfigError, CostLimitError, ValueError) as exc:
            for request in batch:
                self._errors[request.key] = f"renders not started: {exc}"

    def _fail_point(self, preset: Preset, point: str, message: str) -> None:
        for repeat in range(preset.repeats):
            self._errors[_key(preset.id, point, repeat)] = message

    def _fix_hint(self, preset: Preset, exc: Exception) -> str:
        from reelgate.cassettes import MissingRecording, StaleRecording

        where = os.path.relpath(preset.source, self.settings.root)
        if isinstance(exc, MissingRecording):
            mode = "once"
        elif isinstance(exc, StaleRecording):
            mode = "rewrite"
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
        from reelgate.render.contract import check_output_contract

        if self._whole_presets:  # an xdist worker that is given whole files: render them together
            self.start((preset, p) for p in preset.sweep)
        else:
            self.start([(preset, point)])
        out = []
        for repeat in range(preset.repeats):
            key = _key(preset.id, point, repeat)
            if key in self._errors:
                out.append(Rendered(key, None, self._errors[key]))
                continue
            result = self._wait(key)
            try:
                finished = self.recorder.finish(key, succeeded=result.ok)
            except CassetteError as exc:
                self._errors[key] = str(exc)
                out.append(Rendered(key, None, str(exc)))
                continue
            report = check_output_contract(self._requests[key], result)
            if finished in ("kept", "not_recorded"):
                self.unsaved[key] = finished
                shown = self.recorder.shown(self.recorder.path_for(self._requests[key]))
                note = (f"{shown} kept unchanged: a failed render is never recorded" if finished == "kept"
                        else f"{shown} not written: a failed render is never recorded")
                report = replace(report, problems=(*report.problems, note))
            out.append(Rendered(key, report, None))
        return out

    def unsaved_count(self, preset: Preset, point: str, kind: str = "kept") -> int:
        """How many renders of a point failed in this recording run and so left their previous
        cassette as it was (``kept``) or wrote none (``not_recorded``)."""
        return sum(self.unsaved.get(_key(preset.id, point, r)) == kind for r in range(preset.repeats))

    def _wait(self, key: str):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        while True:
            try:
                return self.service.result(key, timeout=PROGRESS_EVERY_S)
            except TimeoutError:
                if reporter is not None and time.monotonic() - started >= PROGRESS_EVERY_S:
                    reporter.write_line(f"[reelgate] waiting for {key}; "
                                        f"{self.service.progress().line()}")

    @property
    def source(self) -> str:
        """Where this run's clips come from: replayed, simulated (a local server) or live."""
        if self.options.replay:
            return "replayed"
        if self.override is not None and self.override.base_url:
            return "simulated"
        return "live"

    def summary_line(self) -> str | None:
        if self._service is None:
            return None
        progress = self._service.progress()
        if not progress.total:
            return None
        if self.options.replay:
            source = self.recorder.shown(self.recorder.directory)
            return (f"reelgate: {progress.done} renders replayed from {source}, {progress.failed} "
                    f"failed; recorded cost ${progress.cost_usd:.2f}, nothing spent")
        where = f" via {self.override.base_url}" if self.override and self.override.base_url else ""
        return f"reelgate (--preset-record={self.mode}{where}): {progress.line()}" + unsaved_note(
            sum(v == "kept" for v in self.unsaved.values()),
            sum(v == "not_recorded" for v in self.unsaved.values()))

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


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
    url = getattr(override, "base_url", None) or ""
    return 0.1 if url.startswith(("http://127.", "http://localhost", "http://[::1]")) else None


def _key(preset_id: str, point: str, repeat: int) -> str:
    return f"{preset_id}/{point}" + (f"-{repeat}" if repeat else "")


def get_hub(config: pytest.Config) -> RenderHub:
    if HUB_KEY not in config.stash:
        config.stash[HUB_KEY] = RenderHub(config)
    return config.stash[HUB_KEY]


def known_cassettes(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if "media" not in p.relative_to(root).parts[:1])


class Analyzer:
    """Clip analysis for the items of a session, cached by content hash under ``.reelgate``."""

    def __init__(self, root: Path, offline: bool) -> None:
        from reelgate.analysis.cache import AnalysisCache

        self.root = root
        self.offline = offline
        self.cache = AnalysisCache(root)

    def analyze(self, path: str):  # type: ignore[no-untyped-def]
        """Analyse a local clip, or an https reference (fetched once, then from the cache)."""
        from reelgate.analysis import analyze_clip

        if path.startswith("https://"):
            from reelgate.analysis.fetch import fetch_reference

            path = str(fetch_reference(path, self.root, offline=self.offline))
        return analyze_clip(path, root=self.root, cache=self.cache)


ANALYZER_KEY = pytest.StashKey[Analyzer]()


def get_analyzer(config: pytest.Config) -> Analyzer:
    if ANALYZER_KEY not in config.stash:
        offline = config.getoption("preset_record") == "none"  # replay: the network is blocked
        config.stash[ANALYZER_KEY] = Analyzer(settings(config).root, offline)
    return config.stash[ANALYZER_KEY]
