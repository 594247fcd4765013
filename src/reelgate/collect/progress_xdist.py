"""The renders' status line under xdist: workers publish their counts, the controller shows them.

A worker's output never reaches the user's terminal, and xdist passes nothing from a worker to
the controller while an item runs. So each worker writes its renders' snapshot to a small file
of the run (``.reelgate/runs/<run id>/progress/<worker>.json``, rewritten only when it changes)
while its items wait, and the controller reads them on a thread and shows their sum: on a
terminal, the status line under pytest's (erased, under a lock, before the controller writes a
test's outcome); in a log, a plain line every ``PLAIN_EVERY_S``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reelgate.atomic import update_text_atomic
from reelgate.collect.progress import (
    IN_FLIGHT,
    PLAIN_EVERY_S,
    POLL_S,
    SHOW_AFTER_S,
    STATES,
    RenderTracker,
    Snapshot,
    erase_status,
    pytest_line_width,
    write_status,
)

if TYPE_CHECKING:
    import pytest

T = TypeVar("T")


def progress_dir(root: Path, run_id: str) -> Path:
    return root / ".reelgate" / "runs" / run_id / "progress"


class WorkerWatch:
    """A worker's RenderWatch: tracks its renders and publishes each change for the controller."""

    def __init__(self, target: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.tracker = RenderTracker(clock)
        self._target = target
        self._clock = clock
        self._started_at = time.time()  # wall clock: the controller's elapsed spans workers

    def stage(self, key: str, state: str) -> None:
        self.tracker.stage(key, state)

    def wait(self, result: Callable[[float], T]) -> T:
        try:
            while True:
                try:
                    return result(POLL_S)
                except TimeoutError:
                    self.publish()
        finally:
            self.publish()

    def publish(self) -> None:
        """The snapshot, for the controller; a write that fails loses only a progress line."""
        snapshot = self.tracker.snapshot()
        eta = None if snapshot.eta_s is None else round(snapshot.eta_s)
        text = json.dumps({"counts": snapshot.counts, "started_at": round(self._started_at, 1),
                           "eta_s": eta, "at": round(time.time())})
        with contextlib.suppress(OSError):
            update_text_atomic(self._target, text)


def worker_watch(config: pytest.Config) -> WorkerWatch | None:
    """An xdist worker's watch, publishing under the controller's run id; None elsewhere."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or config.get_verbosity() < -1:
        return None
    from reelgate.collect.config import settings

    conf = settings(config)
    if conf.run_id is None:
        return None
    return WorkerWatch(progress_dir(conf.root, conf.run_id) / f"{workerinput['workerid']}.json")


def combined(folder: Path, now: float) -> Snapshot | None:
    """The workers' snapshots summed (None when none has published): counts add up, elapsed
    runs from the first worker's first render, the ETA is the slowest worker's."""
    counts = {state: 0 for state in STATES}
    first, etas = None, []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            parts = {state: int(data["counts"].get(state, 0)) for state in STATES}
            started = float(data["started_at"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # being replaced, or not ours: the next poll reads it
        for state, n in parts.items():
            counts[state] += n
        first = started if first is None else min(first, started)
        if data.get("eta_s") is not None and any(parts[s] for s in IN_FLIGHT):
            etas.append(max(float(data["eta_s"]) - (now - float(data.get("at", now))), 0.0))
    if first is None:
        return None
    return Snapshot(counts, max(now - first, 0.0), max(etas) if etas else None)


class ControllerLine:
    """The controller's thread: shows the workers' combined renders while any is in flight."""

    def __init__(self, reporter: pytest.TerminalReporter, folder: Path, tty: bool) -> None:
        self._reporter = reporter
        self._folder = folder
        self._tty = tty
        self.lock = threading.Lock()  # held while the status line is drawn or pytest writes
        self._shown: int | None = None  # pytest's line's width while the status line is shown
        self._busy_since: float | None = None
        self._plain_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reelgate-progress", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with self.lock:
            self._erase()

    @contextlib.contextmanager
    def pytest_writes(self) -> Iterator[None]:
        """Around the controller's own output: the status line is erased and stays off."""
        with self.lock:
            self._erase()
            yield

    def _run(self) -> None:
        while not self._stop.wait(POLL_S):
            with contextlib.suppress(Exception):  # a progress line must never break the run
                self._tick(time.monotonic())

    def _tick(self, now: float) -> None:
        snapshot = combined(self._folder, time.time())
        busy = snapshot is not None and any(snapshot.counts[s] for s in (*IN_FLIGHT, "queued"))
        if not busy:
            self._busy_since = None
            with self.lock:
                self._erase()
            return
        assert snapshot is not None
        self._busy_since = now if self._busy_since is None else self._busy_since
        if now - self._busy_since < SHOW_AFTER_S:
            return
        with self.lock:
            if self._tty:
                self._draw(snapshot.line())
            elif self._plain_at is None or now - self._plain_at >= PLAIN_EVERY_S:
                self._plain_at = now
                writer = self._reporter.config.get_terminal_writer()
                if writer.width_of_current_line:  # after pytest's dots: a line of its own
                    writer.line()
                writer.line(snapshot.line())

    def _draw(self, text: str) -> None:
        first = self._shown is None
        if first:
            self._shown = pytest_line_width(self._reporter)
        write_status(self._reporter, sys.stdout, text, first)

    def _erase(self) -> None:
        if self._shown is not None:
            erase_status(sys.stdout, self._shown)
            self._shown = None


_RUNNING: list[ControllerLine] = []  # the controller's line, while the session runs


def start_controller_line(config: pytest.Config, run_id: str) -> None:
    """On the xdist controller, once (the first node configured): the line over the run's
    progress folder, cleared of an earlier run's files under the same id."""
    if _RUNNING:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or config.get_verbosity() < -1:
        return
    from reelgate.collect.config import settings

    folder = progress_dir(settings(config).root, run_id)
    for stale in folder.glob("*.json"):
        with contextlib.suppress(OSError):
            stale.unlink()
    line = ControllerLine(reporter, folder, tty=bool(reporter.isatty))
    _RUNNING.append(line)
    line.start()


def running_line() -> ControllerLine | None:
    return _RUNNING[0] if _RUNNING else None


def stop_controller_line() -> None:
    while _RUNNING:
        _RUNNING.pop().stop()
