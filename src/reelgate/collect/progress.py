"""The renders' live status line: counts per state, elapsed time and an ETA, on the terminal.

pytest captures what a test writes, and a sweep item waits for its renders inside its call, so
the line is written with capture suspended (the capture manager's
``global_and_fixture_disabled``, as pytest's own live logging does). On a terminal it is one
line under pytest's, rewritten with ``\\r`` while the item waits and erased when it stops
waiting, the cursor put back where pytest left it, so pytest's own line is untouched. Anywhere
else (a CI log) it is a plain line at most every ``PLAIN_EVERY_S``. A wait shorter than
``SHOW_AFTER_S`` shows nothing, so a replayed suite prints nothing.

Under xdist a worker's terminal is not the user's; the workers show nothing (the summary at the
end counts their renders), see ``watch_for``.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    import pytest

T = TypeVar("T")

# A wait shorter than this (seconds) shows nothing: replays and a warm simulator end within it.
SHOW_AFTER_S = 1.0
# How often (seconds) a waiting item looks at its render, redrawing the terminal line each time.
POLL_S = 0.25
# A CI log gets one plain line at most this often (seconds): a live run of many minutes stays
# readable, and a stuck render still shows the log is alive.
PLAIN_EVERY_S = 5.0
# The states of the line, in the order a render goes through them.
STATES = ("queued", "submitted", "rendering", "downloading", "done", "failed", "replayed")
_NAMES = {"submitting": "submitted", "running": "rendering"}  # the service's words -> the line's
IN_FLIGHT = ("submitted", "rendering", "downloading")
_ENDED = ("done", "failed", "replayed")


@dataclass(frozen=True)
class Snapshot:
    """The renders at one moment: how many are in each state, and what the past ones took."""

    counts: dict[str, int]
    elapsed_s: float  # since the first render was queued
    eta_s: float | None  # None until a render that was not replayed has ended

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        ended = sum(self.counts[s] for s in _ENDED)
        states = ", ".join(f"{n} {s}" for s, n in self.counts.items() if n)
        eta = f", ETA {_clock(self.eta_s)}" if self.eta_s is not None else ""
        return (f"reelgate renders {ended}/{self.total}: {states}; "
                f"{_clock(self.elapsed_s)} elapsed{eta}")


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole}s"


class RenderTracker:
    """Each render's state and when it entered it, fed from the render loop (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, str] = {}
        self._sent_at: dict[str, float] = {}
        self._took: list[float] = []  # seconds from submit to end, of renders not replayed
        self._first: float | None = None

    def stage(self, key: str, state: str) -> None:
        now = self._clock()
        state = _NAMES.get(state, state)
        with self._lock:
            if self._first is None:
                self._first = now
            if state == "submitted":
                self._sent_at.setdefault(key, now)
            if state in ("done", "failed") and key in self._sent_at:
                self._took.append(now - self._sent_at[key])
            self._state[key] = state

    def snapshot(self) -> Snapshot:
        now = self._clock()
        with self._lock:
            states = dict(self._state)
            sent_at = dict(self._sent_at)
            took = list(self._took)
            first = self._first
        counts = {state: 0 for state in STATES}
        for state in states.values():
            counts[state] = counts.get(state, 0) + 1
        return Snapshot(counts, now - first if first is not None else 0.0,
                        _eta(states, sent_at, took, now))


def _eta(states: dict[str, str], sent_at: dict[str, float], took: list[float],
         now: float) -> float | None:
    """Seconds left if every render takes the mean of those that ended, with as many at once as
    are in flight now: what each render in flight still needs, and a whole mean per queued one."""
    if not took:
        return None
    mean = sum(took) / len(took)
    flying = [key for key, state in states.items() if state in IN_FLIGHT]
    queued = sum(state == "queued" for state in states.values())
    left = sum(max(mean - (now - sent_at.get(key, now)), 0.0) for key in flying) + queued * mean
    return left / max(len(flying), 1)


class TerminalWatch:
    """Shows a RenderTracker while an item waits: the status line on a terminal, plain lines
    in a log. ``stream`` is what the terminal reporter writes to, reached with capture off."""

    def __init__(self, reporter: pytest.TerminalReporter, capture: object | None,
                 tty: bool, clock: Callable[[], float] = time.monotonic,
                 stream: Callable[[], TextIO] = lambda: sys.stdout) -> None:
        self.tracker = RenderTracker(clock)
        self._reporter = reporter
        self._capture = capture
        self._tty = tty
        self._clock = clock
        self._stream = stream
        self._plain_at: float | None = None  # when the last plain line was written

    def stage(self, key: str, state: str) -> None:
        self.tracker.stage(key, state)

    def wait(self, result: Callable[[float], T]) -> T:
        started = self._clock()
        column: int | None = None  # where pytest's line ended, while the status line is shown
        try:
            while True:
                try:
                    return result(POLL_S)
                except TimeoutError:
                    pass
                now = self._clock()
                if now - started < SHOW_AFTER_S:
                    continue
                if self._tty:
                    column = self._draw(column)
                elif self._plain_at is None or now - self._plain_at >= PLAIN_EVERY_S:
                    self._plain_at = now
                    with self._uncaptured():
                        self._reporter.write_line(self.tracker.snapshot().line())
        finally:
            if column is not None:
                self._erase(column)

    def _draw(self, column: int | None) -> int:
        """Write or rewrite the status line under pytest's; returns pytest's line's width."""
        first = column is None
        column = pytest_line_width(self._reporter) if column is None else column
        text = self.tracker.snapshot().line()
        with self._uncaptured():
            write_status(self._reporter, self._stream(), text, first)
        return column

    def _erase(self, column: int) -> None:
        """Clear the status line and put the cursor back at the end of pytest's line."""
        with self._uncaptured():
            erase_status(self._stream(), column)

    @contextlib.contextmanager
    def _uncaptured(self) -> Iterator[None]:
        disabled = getattr(self._capture, "global_and_fixture_disabled", None)
        with disabled() if disabled is not None else contextlib.nullcontext():
            yield


def pytest_line_width(reporter: pytest.TerminalReporter) -> int:
    """Where pytest's current line ends, before a status line goes under it; an unknown or
    wrapped line is ended first, and the status line starts on a clean one (0)."""
    writer = reporter.config.get_terminal_writer()
    column = writer.width_of_current_line
    if not 0 <= column < writer.fullwidth - 1:
        reporter.ensure_newline()
        return 0
    return column


def write_status(reporter: pytest.TerminalReporter, stream: TextIO, text: str, first: bool) -> None:
    """The status line under pytest's (``first``) or over its previous text, written past the
    terminal writer, which would count these bytes as pytest's own line."""
    writer = reporter.config.get_terminal_writer()
    writer.flush()
    stream.write(("\n" if first else "\r") + text[:writer.fullwidth - 1] + "\x1b[K")
    stream.flush()


def erase_status(stream: TextIO, column: int) -> None:
    """Clear the status line and put the cursor back at ``column`` of pytest's line."""
    stream.write("\r\x1b[K\x1b[A" + (f"\x1b[{column}C" if column else ""))
    stream.flush()


def watch_for(config: pytest.Config) -> TerminalWatch | None:
    """The status line for this process, or None: no terminal reporter (``-p no:terminal``),
    ``-q -q``, or an xdist worker, whose output never reaches the user's terminal (it publishes
    its renders for the controller's line instead: progress_xdist.worker_watch)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or hasattr(config, "workerinput") or config.get_verbosity() < -1:
        return None
    capture = config.pluginmanager.get_plugin("capturemanager")
    return TerminalWatch(reporter, capture, tty=bool(reporter.isatty))
