"""What a run owes the ledger for renders it never judges: a task a provider took (written the
moment it is taken, before a kill can lose it), renders still in flight when the run stops, and
paid renders no item asked for. And SIGTERM while renders are in flight, turned into the
KeyboardInterrupt that writes them down."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from reelgate.preset.model import Preset

if TYPE_CHECKING:
    from reelgate.run.ledger import RunLedger

# (render key, its request, the provider's task id if known, dollars it may have cost)
Unjudged = tuple[str, object, str | None, float]


class UnjudgedRows:
    """Writes the rows of renders not judged (yet). ``renders``: render key -> (preset, point,
    repeat); ``logged``: the keys whose final row the judge wrote (never written again here);
    ``source_of``: where a render's clip came from, as its row says."""

    def __init__(self, open_ledger: Callable[[], RunLedger | None],
                 renders: dict[str, tuple[Preset, str, int]], logged: set[str],
                 source_of: Callable[[str], str]) -> None:
        self._open_ledger = open_ledger
        self._renders = renders
        self._logged = logged
        self._source_of = source_of

    def write(self, renders: list[Unjudged], charge: str, *, now: bool = False) -> None:
        """One row per render not logged yet; ``now`` commits before returning, else queued."""
        from reelgate.run.ledger import render_row

        ledger = self._open_ledger()
        if ledger is None:
            return
        rows = []
        for key, request, task_id, usd in renders:
            if key in self._logged or key not in self._renders:
                continue
            preset, point, repeat = self._renders[key]
            rows.append(render_row(ledger, preset, point, repeat,
                                   provider=request.provider, model=request.model,  # type: ignore[attr-defined]
                                   source=self._source_of(key), cost_usd=usd, charge=charge,
                                   task_id=task_id))
        if rows and now:
            from reelgate.records import LedgerError

            try:
                ledger.ledger.append(rows, replace=True)
            except LedgerError as exc:
                ledger.failures.append(str(exc))
        elif rows:
            ledger.append(rows)

    def at_close(self, service: object, requests: dict[str, object]) -> None:
        """Renders the run will not judge: in flight (interrupted), or done and charged but never
        asked for (``service``: the run's RenderService)."""
        flights = service.interrupted()  # type: ignore[attr-defined]
        self.write([(f.request.key, f.request, f.task_id, f.estimate) for f in flights], "interrupted")
        flying = {f.request.key for f in flights}
        for key in self._renders:
            if key in self._logged or key in flying:
                continue
            try:
                result = service.result(key, timeout=0)  # type: ignore[attr-defined]
            except (KeyError, TimeoutError):
                continue
            if result.cost_usd or result.charge_unknown:
                charge = "unknown" if result.charge_unknown else "known"
                self.write([(key, requests[key], result.task_id,
                             result.cost_usd + result.unknown_usd)], charge)


class Terminate:
    """SIGTERM, while renders are in flight, interrupts the run as Ctrl-C does, so the renders
    in flight are written to the ledger before exit; the previous handler is restored after."""

    def __init__(self) -> None:
        self._previous: object | None = None

    def install(self) -> None:
        if self._previous is not None or threading.current_thread() is not threading.main_thread():
            return
        self._previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, self._interrupt)

    def restore(self) -> None:
        if self._previous is None or threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, self._previous)  # type: ignore[arg-type]
        self._previous = None

    @staticmethod
    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum} (SIGTERM) while renders were in flight")
