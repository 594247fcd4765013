"""Running the simulator: on a free loopback port in a thread or a subprocess, plus admin calls.

``running_simulator()`` yields the base URL to give the Kling adapter; tests under xdist each get
their own port because the socket is bound (port 0) before the server starts.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from reelgate.extras import MissingExtraError

try:
    import uvicorn
except ModuleNotFoundError as exc:  # the [simulator] extra
    raise MissingExtraError("simulator", "uvicorn") from exc

from reelgate.simulator.app import create_app
from reelgate.simulator.config import SimulatorConfig
from reelgate.simulator.faults import Fault, FaultPlan

READY_PREFIX = "reelgate simulator listening on "


def bind_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(config: SimulatorConfig, sock: socket.socket, log_level: str = "warning") -> None:
    """Serve on an already bound socket until interrupted (the CLI's foreground mode)."""
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level=log_level,
                                           access_log=False, lifespan="on"))
    server.run(sockets=[sock])


@contextmanager
def running_simulator(
    config: SimulatorConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    in_subprocess: bool = False,
    startup_timeout: float = 20.0,
) -> Iterator[str]:
    """Start a simulator, yield its base URL (``http://127.0.0.1:<port>``), stop it on exit.

    A thread is quickest to start; a subprocess keeps clip rendering off the caller's GIL
    (use it for benchmarks).
    """
    config = config or SimulatorConfig()
    runner = _subprocess_server if in_subprocess else _thread_server
    with runner(config, host, port, startup_timeout) as url:
        yield url


@contextmanager
def _thread_server(
    config: SimulatorConfig, host: str, port: int, startup_timeout: float
) -> Iterator[str]:
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning",
                                           access_log=False, lifespan="on",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="reelgate-simulator")
    thread.start()
    try:
        give_up = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > give_up:
                raise RuntimeError("the simulator did not start; see the log above")
            time.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def _subprocess_server(
    config: SimulatorConfig, host: str, port: int, startup_timeout: float
) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="reelgate-sim-") as folder:
        config_file = Path(folder) / "simulator.json"
        config_file.write_text(config.model_dump_json())
        command = [sys.executable, "-m", "reelgate.simulator", "--host", host, "--port",
                   str(port), "--config", str(config_file)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            yield _await_ready(process, startup_timeout)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _await_ready(process: subprocess.Popen[str], startup_timeout: float) -> str:
    found: list[str] = []

    def read_first_line() -> None:
        assert process.stdout is not None
        found.append(process.stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(startup_timeout)
    line = found[0] if found else ""
    if not line.startswith(READY_PREFIX):
        raise RuntimeError(f"the simulator subprocess did not start (exit code {process.poll()})")
    return line.removeprefix(READY_PREFIX).strip()


def set_faults(base_url: str, *faults: Fault | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Replace the running simulator's fault plan; returns it as the simulator reports it."""
    plan = FaultPlan(faults=[Fault.model_validate(f) for f in faults])
    response = httpx.post(f"{base_url}/__sim/faults", json=json.loads(plan.model_dump_json()))
    response.raise_for_status()
    return list(response.json()["faults"])


def simulator_state(base_url: str) -> dict[str, Any]:
    """Tasks created, units charged, credits left and call counts."""
    response = httpx.get(f"{base_url}/__sim/state")
    response.raise_for_status()
    return dict(response.json())


def reset_simulator(base_url: str) -> None:
    httpx.post(f"{base_url}/__sim/reset").raise_for_status()
