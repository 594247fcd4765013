"""The renders' status line: on a terminal (a real one, in a pty), in a CI log, and silent
when nothing is slow (a replay). One pytest run, the rest on the watch itself with a clock."""

from __future__ import annotations

import os
import pty
import re
import select
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reelgate.collect.progress import PLAIN_EVERY_S, POLL_S, SHOW_AFTER_S, RenderTracker, TerminalWatch
from reelgate.simulator import SimulatorConfig, reset_simulator, running_simulator, simulator_env
from tests.gate.conftest import PRESET
from tests.suites import LENIENT, SuiteWriter

# Long enough that the first sweep item waits past SHOW_AFTER_S for its render, whatever the load.
SLOW_JOB_S = 2.5
TERMINAL_PROGRESS = re.compile(r"\x1b\]9;4;[^\x1b]*\x1b\\")
LINE = re.compile(r"reelgate renders (\d+)/3: ([^;\r\n\x1b]+); ")


@pytest.fixture(scope="module")
def slow_simulator() -> Iterator[str]:
    with running_simulator(SimulatorConfig(job_seconds=SLOW_JOB_S), in_subprocess=True) as url:
        yield url


def _in_pty(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What a terminal 100 columns wide shows of ``argv``, escape sequences and all."""
    import fcntl
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=follower, stdout=follower,
                               stderr=follower, close_fds=True)
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        process.wait(timeout=300)
        os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_a_live_run_shows_one_status_line_on_a_terminal_under_pytest_s_line(
        suite: SuiteWriter, slow_simulator: str) -> None:
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    suite.preset("cup.yaml", PRESET)
    reset_simulator(slow_simulator)
    env = {**os.environ, **simulator_env(), "PY_COLORS": "0"}
    env.pop("PYTEST_ADDOPTS", None)
    record = [sys.executable, "-m", "pytest", "presets", "-p", "no:cacheprovider",
              "--preset-provider", "kling", "--preset-provider-url", slow_simulator]

    shown = _in_pty([*record, "--preset-record=all", "--preset-approve"], suite.root, env)
    shown = TERMINAL_PROGRESS.sub("", shown)  # pytest 9.0 tells the terminal its progress (OSC 9;4)
    assert "5 passed" in shown, shown
    first = shown.index("reelgate renders")
    prefix = "presets/cup.yaml "
    line_start = shown.rindex("\n", 0, first)
    assert shown[:line_start].rstrip("\r").endswith(prefix + "."), shown  # pytest's line, then ours
    found = LINE.search(shown, first)
    assert found and int(found[1]) < 3, shown  # counts per state while renders are in flight
    assert re.fullmatch(r"\d+ \w+(, \d+ \w+)*", found[2]), found[2]
    erase = shown.index("\r\x1b[K\x1b[A", first)  # cleared, cursor back up ...
    assert shown[erase:].startswith(f"\r\x1b[K\x1b[A\x1b[{len(prefix) + 1}C.")  # ... after pytest's dot
    assert "Captured" not in shown


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Reporter:
    """What TerminalWatch asks of pytest's terminal reporter in a log: whole lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def _render_for(clock: _Clock, seconds: float, tracker: RenderTracker,
                key: str) -> Callable[[float], str]:
    """A render that ends ``seconds`` after the wait starts; each look advances the clock."""
    ends = clock.now + seconds

    def result(timeout: float) -> str:
        if clock.now >= ends:
            tracker.stage(key, "done")
            return key
        clock.now += timeout
        raise TimeoutError
    return result


def test_a_log_gets_a_plain_line_every_interval_and_nothing_for_a_short_wait() -> None:
    clock, reporter = _Clock(), _Reporter()
    watch = TerminalWatch(reporter, None, tty=False, clock=clock)  # type: ignore[arg-type]
    for key in ("a", "b", "c", "d"):
        watch.stage(key, "queued")
    for key in ("a", "b"):
        watch.stage(key, "submitting")
    assert watch.wait(_render_for(clock, SHOW_AFTER_S - POLL_S, watch.tracker, "a")) == "a"
    assert reporter.lines == []  # shorter than SHOW_AFTER_S: silent

    watch.stage("b", "running")
    watch.stage("c", "submitting")
    long_wait = 3 * PLAIN_EVERY_S
    watch.wait(_render_for(clock, long_wait, watch.tracker, "b"))
    assert len(reporter.lines) == 3  # at SHOW_AFTER_S, then every PLAIN_EVERY_S
    assert reporter.lines[0].startswith("reelgate renders 1/4: 1 queued, 1 submitted, 1 rendering, "
                                        "1 done; ")
    assert "elapsed, ETA " in reporter.lines[0]  # "a" ended: its latency predicts the rest


def test_the_eta_is_what_the_renders_in_flight_and_queued_still_need() -> None:
    clock = _Clock()
    tracker = RenderTracker(clock)
    for key in "abc":
        tracker.stage(key, "queued")
    assert tracker.snapshot().eta_s is None  # nothing has ended: no estimate
    tracker.stage("a", "submitting")
    clock.now += 10
    tracker.stage("a", "done")  # one render took 10 s
    tracker.stage("b", "submitting")
    clock.now += 4
    snapshot = tracker.snapshot()
    # b needs 6 s more, c a whole 10 s after it, one at a time: 16 s.
    assert snapshot.eta_s == pytest.approx(16.0)
    assert snapshot.line() == "reelgate renders 1/3: 1 queued, 1 submitted, 1 done; 14s elapsed, ETA 16s"
    tracker.stage("c", "submitting")
    tracker.stage("b", "replayed")  # a replay ends at once and says nothing of live latency
    assert tracker.snapshot().counts["replayed"] == 1 and tracker.snapshot().eta_s == pytest.approx(10.0)


XDIST_LINE = re.compile(r"reelgate renders (\d+)/6: ([^;\r\n\x1b]+); ")


def _two_presets(suite: SuiteWriter) -> None:
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    suite.preset("cup.yaml", PRESET)
    suite.preset("mug.yaml", PRESET.replace("ceramic cup", "stoneware mug"))


def test_under_xdist_the_controller_shows_the_workers_renders(suite: SuiteWriter,
                                                             slow_simulator: str) -> None:
    """The workers' terminals are not the user's: they publish their renders, and the
    controller shows the sum under pytest's line (a pty), or as plain lines (a log)."""
    _two_presets(suite)
    env = {**os.environ, **simulator_env(), "PY_COLORS": "0"}
    env.pop("PYTEST_ADDOPTS", None)
    record = [sys.executable, "-m", "pytest", "presets", "-p", "no:cacheprovider", "-n", "2",
              "--preset-record=all", "--preset-provider", "kling", "--preset-provider-url", slow_simulator]

    reset_simulator(slow_simulator)
    shown = TERMINAL_PROGRESS.sub("", _in_pty(record, suite.root, env))
    assert "8 passed" in shown and "2 failed" in shown, shown  # not approved: the regressions
    first = shown.index("reelgate renders")
    found = XDIST_LINE.search(shown, first)
    assert found and int(found[1]) < 6, shown  # both workers' renders, while in flight
    dots = shown.rindex("\n", 0, first)
    column = len(shown[shown.rindex("\n", 0, dots) + 1:dots].rstrip("\r"))  # pytest's line
    erase = shown.index("\r\x1b[K\x1b[A", first)
    assert shown[erase:].startswith(f"\r\x1b[K\x1b[A\x1b[{column}C" if column else "\r\x1b[K\x1b[A")
    assert re.match(r"[.F]", shown[erase:].split("C", 1)[1] if column else shown[erase + 7:]), shown

    reset_simulator(slow_simulator)
    logged = subprocess.run(record, cwd=suite.root, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in logged.stdout.splitlines() if line.startswith("reelgate renders")]
    assert lines and XDIST_LINE.match(lines[0]), logged.stdout  # whole lines in a CI log
    assert "\x1b[" not in logged.stdout


def test_the_controller_sums_the_workers_snapshots(tmp_path: Path) -> None:
    from reelgate.collect.progress_xdist import combined

    assert combined(tmp_path, 1000.0) is None
    (tmp_path / "gw0.json").write_text(
        '{"counts": {"rendering": 2, "done": 1}, "started_at": 990.0, "eta_s": 12, "at": 996}')
    (tmp_path / "gw1.json").write_text(
        '{"counts": {"queued": 1, "submitted": 1}, "started_at": 994.0, "eta_s": 30, "at": 1000}')
    (tmp_path / "gw2.json").write_text('{"counts": ')  # being replaced: read at the next poll
    snapshot = combined(tmp_path, 1000.0)
    assert snapshot is not None
    assert snapshot.line() == ("reelgate renders 1/5: 1 queued, 1 submitted, 2 rendering, 1 done; "
                               "10s elapsed, ETA 30s")  # the slowest worker's ETA, from its time
