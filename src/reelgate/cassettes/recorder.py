"""Record and replay provider HTTP per render, with pytest-recording's record modes.

One ``Recorder`` serves a whole run through one httpx transport. Each HTTP request names its
render in httpx's ``extensions`` (``reelgate.request.RENDER_EXTENSION``, set by the provider on
every request of a render), which picks its cassette, so many renders share one client
concurrently, each with its own recording: ``cassettes/<preset-id>/<point>[-<repeat>].yaml``.
A request naming no render (a provider's task list) is not recorded.

Modes: ``none`` replays only (missing recordings fail, connections outside loopback are
refused); ``once`` records what has no cassette yet; ``new_episodes`` replays what matches and
records the rest; ``all`` and ``rewrite`` record everything again, from scratch.

In every mode a cassette is written only for a render that succeeded: a render that failed
(an outage, a 429, credits run out) leaves the previous cassette exactly as it was, so a
recording run can never replace good recordings with the failure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import httpx

from reelgate.cassettes.errors import (
    BrokenCassette,
    MissingRecording,
    NetworkBlocked,
    StaleRecording,
    UnmatchedRequest,
)
from reelgate.cassettes.fingerprint import changes, fingerprint, normalized
from reelgate.cassettes.format import Cassette, Interaction, load_cassette, record, save_cassette
from reelgate.cassettes.matching import match_key, shrink_body
from reelgate.cassettes.meta import CassetteMeta
from reelgate.cassettes.scrub import scrub_body, scrub_url
from reelgate.loopback import is_loopback_host
from reelgate.plan.capabilities import as_received
from reelgate.request import RenderRequest, render_of

RecordMode = Literal["none", "once", "new_episodes", "all", "rewrite"]
# What finish() did: wrote the cassette, had nothing new to write, or (the render failed) kept
# the previous cassette as it was / had none to keep.
Finished = Literal["written", "unchanged", "kept", "not_recorded"]
RECORD_MODES: tuple[str, ...] = get_args(RecordMode)
_HOP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


@dataclass
class _Session:
    """One render's cassette: what it may replay and whether it may record."""

    request: RenderRequest
    cassette: Cassette
    may_record: bool
    replay: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    played: dict[str, int] = field(default_factory=dict)
    dirty: bool = False
    sent: int = 0  # requests that reached the network: none means the render was replayed

    def next_response(self, key: str) -> dict[str, Any] | None:
        """Recorded answers in order; past the last, the last again (polls may differ in count)."""
        answers = self.replay.get(key)
        if not answers:
            return None
        index = self.played.get(key, 0)
        self.played[key] = index + 1
        return answers[min(index, len(answers) - 1)]


class Recorder:
    def __init__(
        self,
        directory: Path,
        mode: RecordMode = "none",
        *,
        inner: httpx.AsyncBaseTransport | None = None,
        env: Mapping[str, str] | None = None,
        parsed: Path | None = None,
    ) -> None:
        """``parsed``: where the parse of each cassette is kept for the next run (a cache)."""
        if mode not in RECORD_MODES:
            raise ValueError(f"record mode {mode!r} is not one of {', '.join(RECORD_MODES)}")
        self.directory = directory
        self.media_dir = directory / "media"
        self.mode = mode
        self.env = dict(os.environ if env is None else env)
        self._inner = inner
        self._parsed = parsed
        self._sessions: dict[str, _Session] = {}

    @property
    def replay_only(self) -> bool:
        return self.mode == "none"

    def shown(self, path: Path) -> str:
        """A path as the user knows it: relative to the folder holding the cassettes directory."""
        try:
            return str(path.relative_to(self.directory.parent))
        except ValueError:
            return str(path)

    def path_for(self, request: RenderRequest) -> Path:
        return self.directory / f"{request.key}.yaml"

    def prepare(self, request: RenderRequest) -> _Session:
        """Ready the cassette of one render, or raise why it cannot be used (before any call)."""
        path = self.path_for(request)
        current = normalized(request)
        meta = CassetteMeta(preset=request.preset_id, key=request.key, fingerprint=fingerprint(current),
                            request=current, provider=request.provider, model=request.model)
        exists = path.is_file()  # a re-recording replaces it only once the new render has succeeded
        if self.mode in ("all", "rewrite") or (self.mode in ("once", "new_episodes") and not exists):
            session = _Session(request, Cassette(path, meta=meta), may_record=True)
        elif not exists:
            raise MissingRecording(f"no recording: {self.shown(path)} does not exist")
        else:
            try:
                cassette = load_cassette(path, self.media_dir, self._parsed)
                session = self._replay_session(request, cassette, meta)
            except StaleRecording:
                if self.mode != "new_episodes":
                    raise
                # new_episodes: what changed is a new episode; record it from scratch.
                session = _Session(request, Cassette(path, meta=meta), may_record=True)
        self._sessions[request.key] = session
        return session

    def remove_other_repeats(self, preset_id: str, point: str, keep: set[str]) -> list[Path]:
        """Under ``rewrite``, the point's cassettes of repeats this run does not render (the
        preset asks for fewer repeats now): rewriting a point starts it from scratch, so they go
        at once. The repeats it renders are replaced when their new render succeeds."""
        folder = self.directory / preset_id
        if self.mode != "rewrite" or not folder.is_dir():
            return []
        removed = []
        for path in sorted(folder.glob(f"{point}*.yaml")):
            suffix = path.stem[len(point):]
            ours = suffix == "" or (suffix.startswith("-") and suffix[1:].isdigit())
            if ours and f"{preset_id}/{path.stem}" not in keep:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def _replay_session(self, request: RenderRequest, cassette: Cassette,
                        meta: CassetteMeta) -> _Session:
        recorded = cassette.meta
        if recorded.preset != request.preset_id:
            raise BrokenCassette(f"{cassette.path} was recorded for preset {recorded.preset!r}, "
                                 f"not {request.preset_id!r}; move it back or re-record")
        if recorded.fingerprint != meta.fingerprint and (
                as_received(recorded.request) != as_received(meta.request)):
            what = changes(as_received(recorded.request), as_received(meta.request))
            raise StaleRecording("stale recording: the request changed since it was recorded ("
                                 + "; ".join(what or ["the recorded fingerprint does not match its request"])
                                 + ")")
        session = _Session(request, cassette, may_record=self.mode == "new_episodes")
        for interaction in cassette.interactions:
            session.replay.setdefault(interaction.key, []).append(interaction.response)
        return session

    def transport(self) -> httpx.AsyncBaseTransport:
        return _CassetteTransport(self)

    def used_paths(self) -> set[Path]:
        return {session.cassette.path for session in self._sessions.values()}

    def session_for(self, key: str) -> _Session | None:
        return self._sessions.get(key)

    def _keep(self, session: _Session, interaction: Interaction, served: RenderRequest) -> None:
        session.cassette.interactions.append(interaction)
        session.cassette.meta = session.cassette.meta.model_copy(update={
            "served_by": served.provider, "served_model": served.model,
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        session.dirty = True

    def finish(self, key: str, succeeded: bool = True) -> Finished:
        """Write what a finished render recorded, whole and at once (an interrupted render leaves
        no half cassette behind); raises SecretInCassette instead of writing a leak.

        A render that failed writes nothing: what it recorded (the error answers) is dropped and
        the previous cassette, if any, stays byte for byte.
        """
        session = self._sessions.get(key)
        if session is None or not session.dirty:
            return "unchanged"
        session.dirty = False
        if not succeeded:
            session.cassette.interactions.clear()
            return "kept" if session.cassette.path.is_file() else "not_recorded"
        save_cassette(session.cassette, self.media_dir, self.env)
        return "written"

    async def _network(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            self._inner = httpx.AsyncHTTPTransport()
        return await self._inner.handle_async_request(request)


class _CassetteTransport(httpx.AsyncBaseTransport):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        render = render_of(request.extensions)
        session = self.recorder.session_for(render.key) if render is not None else None
        if render is None or session is None:
            if self.recorder.replay_only and not is_loopback_host(request.url.host):
                raise NetworkBlocked(f"network access to {request.url.host} is blocked in replay "
                                     "(--preset-record=none); record with --preset-record=once")
            return await self.recorder._network(request)
        body = await request.aread()
        key = match_key(request.method, scrub_url(str(request.url)), shrink_body(scrub_body(body)))
        answer = session.next_response(key)
        if answer is not None:
            return _to_response(answer)
        if not session.may_record:
            raise UnmatchedRequest(
                f"{session.cassette.path} has no answer for {request.method} {request.url.path}; "
                "the provider flow changed since it was recorded: re-record with --preset-record=rewrite"
            )
        session.sent += 1
        response = await self.recorder._network(request)
        content = await response.aread()
        await response.aclose()
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_HEADERS:
                headers.setdefault(name, []).append(value)
        stored = {"status": {"code": response.status_code, "message": response.reason_phrase},
                  "headers": headers, "body": {"string": content}}
        request_headers: dict[str, list[str]] = {}
        for name, value in request.headers.multi_items():
            request_headers.setdefault(name, []).append(value)
        self.recorder._keep(session, record(request.method, str(request.url), request_headers, body,
                                            stored), render)
        return _to_response(stored)


def _to_response(stored: dict[str, Any]) -> httpx.Response:
    headers = [(name, value) for name, values in stored["headers"].items() for value in values
               if name.lower() not in _HOP_HEADERS and name.lower() != "x-reelgate-media"]
    return httpx.Response(stored["status"]["code"], headers=headers,
                          content=stored["body"]["string"] or b"")


