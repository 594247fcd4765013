"""A real HTTP server on 127.0.0.1 that plays a provider, for reelgate and the official SDK alike.

Both clients are pointed at its base URL; it records every request (method, path, query,
headers, body) and answers from a script, so a test can send the same render through reelgate
and through the SDK and compare what each put on the wire. A real socket, not a mock transport:
the SDK's own HTTP stack (its headers, its serialisation, its URL joining) is what is compared.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Long enough for a loaded CI machine, short enough that a stuck client fails the test.
SERVER_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Seen:
    """One request as it reached the server."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)


Script = Callable[[Seen], Reply]


class LoopbackProvider:
    """The server's address and what it has seen so far."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def take(self) -> list[Seen]:
        """The requests seen since the last take, clearing them."""
        seen, self.seen = self.seen, []
        return seen


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing its keep-alive connection is no error of the test's; anything
        else (a script that raised) is printed as usual, and the client sees the socket close."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def loopback_provider(make_script: Callable[[str], Script]) -> Iterator[LoopbackProvider]:
    """Serve ``make_script(base_url)`` on 127.0.0.1 (a free port) in a thread for the block's
    duration; the script gets the base URL to point its answers (clip URLs) back at itself."""
    box: list[LoopbackProvider] = []
    scripts: list[Script] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes
        timeout = SERVER_TIMEOUT_S

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, parse_qs(parts.query),
                        {k.lower(): v for k, v in self.headers.items()},
                        self.rfile.read(length) if length else b"")
            box[0].seen.append(seen)
            reply = scripts[0](seen)
            payload = reply.body if isinstance(reply.body, bytes) else (
                b"" if reply.body is None else json.dumps(reply.body).encode())
            self.send_response(reply.status)
            content_type = ("video/mp4" if isinstance(reply.body, bytes)
                            else "application/json")
            self.send_header("content-type", reply.headers.get("content-type", content_type))
            for name, value in reply.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reports what matters."""

    server = _QuietServer(("127.0.0.1", 0), Handler)
    box.append(LoopbackProvider(server))
    scripts.append(make_script(box[0].url))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(SERVER_TIMEOUT_S)
