"""One run of the gate: its config and its parts, each made the first time it is needed.

Nothing is opened, rendered or written until a part is asked for, so a run with nothing to do
(``--co``, no preset items) leaves no trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reelgate.preset.model import Preset
from reelgate.run.analyzer import Analyzer
from reelgate.run.approval import Outcome, approve_or_compare
from reelgate.run.config import RunConfig
from reelgate.run.hub import RenderHub, RenderWatch
from reelgate.run.judging import Judge, PointResult
from reelgate.run.ledger import RunLedger, money_line

if TYPE_CHECKING:
    from reelgate.run.travel import TravelStore


class Run:
    """``watch`` shows the renders' progress to the user (a terminal status line)."""

    def __init__(self, conf: RunConfig, watch: RenderWatch | None = None) -> None:
        self.conf = conf
        self.watch = watch
        self._ledger: RunLedger | None = None
        self._hub: RenderHub | None = None
        self._judge: Judge | None = None
        self._analyzer: Analyzer | None = None
        self._travel: TravelStore | None = None

    def ledger(self) -> RunLedger:
        """The run's ledger, opened on first use; raises reelgate.records.LedgerError."""
        if self._ledger is None:
            self._ledger = RunLedger(self.conf)
        return self._ledger

    def open_ledger(self) -> RunLedger | None:
        return self._ledger

    @property
    def hub(self) -> RenderHub:
        if self._hub is None:
            self._hub = RenderHub(self.conf, self.ledger, self.open_ledger, self.watch, self.travel)
        return self._hub

    def started_hub(self) -> RenderHub | None:
        """The hub if anything asked for renders (for the summary), else None."""
        return self._hub

    @property
    def travel(self) -> TravelStore:
        """The facts of clips committed beside the media; a run that records or approves, or
        is told to reanalyse, may replace those of another analyzer."""
        if self._travel is None:
            from reelgate.run.travel import TravelStore

            conf = self.conf
            self._travel = TravelStore(conf.cassettes / "media", refresh=not conf.replay or conf.approve,
                                       reanalyze=conf.reanalyze)
        return self._travel

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = Analyzer(self.conf.root, offline=self.conf.replay, travel=self.travel,
                                      reanalyze=self.conf.reanalyze)
        return self._analyzer

    @property
    def judge(self) -> Judge:
        if self._judge is None:
            self._judge = Judge(self.conf, self.hub, self.analyzer, self.ledger)
        return self._judge

    def start(self, points: Iterable[tuple[Preset, str]]) -> None:
        """Begin every render of these sweep points at once (they render concurrently)."""
        self.hub.start(points)

    def point(self, preset: Preset, point: str) -> PointResult:
        """A sweep point's verdict: its renders waited for, analysed, scored and logged."""
        return self.judge.point(preset, point)

    def regression(self, preset: Preset, accepted: set[str]) -> Outcome:
        """The regression check; ``accepted``: sweep points marked as known failures (xfail)."""
        return approve_or_compare(preset, self.judge, accepted)

    def money_line(self, run_id: str | None = None) -> str | None:
        return money_line(self.conf, self._ledger, run_id)

    def close(self) -> None:
        """Log renders left in flight, stop the render loop, write the queued ledger rows."""
        try:
            if self._hub is not None:
                self._hub.close()
        finally:
            if self._ledger is not None:
                self._ledger.close()
