"""The provider interface and the one render flow every adapter shares.

An adapter says how to build the submit call, read the task state and classify errors; this
class does the rest the same way for all: submit, poll to a terminal state, download into the
media store, and report cost and timings. All HTTP goes through one injectable ``httpx``
client (so tests can pass a ``MockTransport`` and vcrpy can record), and all waiting goes
through one injectable clock (so replays can skip it). Every HTTP request of a render carries the
render in its httpx ``extensions`` (``render_extensions``), so a transport that many concurrent
renders share (the cassette recorder) knows whose request it is.
"""

from __future__ import annotations

import hashlib
import os
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal, Self, TypeVar

import httpx

from reelgate.media import MediaStore
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities, model_issues
from reelgate.providers.errors import (
    MissingCredentialsError,
    Outcome,
    RenderFailure,
    UnknownModelError,
)
from reelgate.providers.http import ApiCall, HttpSession
from reelgate.providers.pricing import Price
from reelgate.providers.result import RenderResult, Timings
from reelgate.providers.secrets import Secret, read_secret
from reelgate.providers.secrets import redact as redact_secrets
from reelgate.providers.timing import Clock, RetryPolicy, SystemClock
from reelgate.request import RenderRequest, render_extensions

State = Literal["queued", "running", "succeeded", "failed"]
Stage = Literal["submitting", "running", "downloading"]
StageCallback = Callable[[Stage], None]
T = TypeVar("T")


@dataclass(frozen=True)
class TaskStatus:
    """A task's state; a finished task gives its video URL (or Submitted.result does)."""

    state: State
    video_url: str | None = None
    failure: RenderFailure | None = None
    cost_usd: float | None = None
    video_size: int | None = None


@dataclass(frozen=True)
class TaskCharge:
    """A task in the provider's list: USD once terminal (0 if failed, None while it runs), when
    it was created (Unix seconds) and the client reference it was submitted with (``client_ref``),
    which ties it to our ledger row; a task without ours is another client's."""

    usd: float | None
    created_at: float | None = None
    client_ref: str | None = None


def client_ref(run_id: str, key: str, provider: str) -> str:
    """The id a render's submit carries where the provider takes one (``Provider.client_ref_field``),
    derived from the ledger row's natural key so a later run finds that task and no other client's.
    Unique per account: a run id is new each run, and a render key once in a run per provider."""
    digest = hashlib.sha256(f"{run_id}\0{key}\0{provider}".encode()).hexdigest()
    return f"reelgate-{digest[:32]}"


@dataclass(frozen=True)
class Submitted:
    """An accepted task: how to poll it, cancel it, and (if separate) fetch its output."""

    task_id: str
    poll: ApiCall
    cancel: ApiCall | None = None
    result: ApiCall | None = None


class Provider(ABC):
    """One video-generation service. Subclasses are registered under ``reelgate.providers``."""

    name: ClassVar[str]
    default_base_url: ClassVar[str]
    credentials_help: ClassVar[str]
    models: ClassVar[Mapping[str, ModelCapabilities]]
    default_model: ClassVar[str]
    default_concurrency: ClassVar[int] = 4
    default_poll_interval: ClassVar[float] = 5.0
    # The submit body's field for a client-side id the provider keeps with the task and shows in
    # its task list (Kling ``external_task_id``); None where the API takes none.
    client_ref_field: ClassVar[str | None] = None

    def __init__(
        self,
        secrets: tuple[Secret, ...],
        *,
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        poll_interval: float | None = None,
        rng: random.Random | None = None,
        http_timeout: float = 60.0,
    ) -> None:
        self._secrets = secrets
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.clock = clock or SystemClock()
        self.poll_interval = self.default_poll_interval if poll_interval is None else poll_interval
        self._http = HttpSession(
            provider=self.name,
            client=client or httpx.AsyncClient(transport=transport),
            owns_client=client is None,
            clock=self.clock,
            retry=retry or RetryPolicy(),
            rng=rng or random.Random(0),
            http_timeout=http_timeout,
            redact=self.redact,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- configuration, no network -------------------------------------------------------

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> Self:
        """Build from the environment; MissingCredentialsError names the variables to set."""
        return cls(cls.read_credentials(os.environ if env is None else env), **options)

    @classmethod
    @abstractmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]: ...

    @classmethod
    def require_key(cls, env: Mapping[str, str], *names: str) -> tuple[Secret, ...]:
        """The first of ``names`` that is set, or MissingCredentialsError naming them all."""
        key = read_secret(env, *names)
        if key is None:
            raise MissingCredentialsError(
                f"{cls.name} needs {' or '.join(names)} in the environment; set it as a CI "
                "secret, never in a preset"
            )
        return (key,)

    @classmethod
    def capabilities_for(cls, model: str) -> ModelCapabilities:
        try:
            return cls.models[model]
        except KeyError:
            raise UnknownModelError(
                f"{cls.name} has no model {model!r}; use one of {', '.join(cls.models)}"
            ) from None

    @classmethod
    def capability_issues(cls, request: RenderRequest) -> list[CapabilityIssue]:
        caps = cls.capabilities_for(request.model)
        return model_issues(cls.name, request.model, caps, request) + cls.extra_issues(request)

    @classmethod
    def extra_issues(cls, request: RenderRequest) -> list[CapabilityIssue]:
        """Provider-specific rules beyond the capability matrix."""
        return []

    @classmethod
    @abstractmethod
    def list_price(cls, request: RenderRequest) -> Price: ...

    # -- adapter hooks -------------------------------------------------------------------

    @abstractmethod
    def auth_headers(self) -> dict[str, str]: ...

    @abstractmethod
    def build_submit(self, request: RenderRequest) -> ApiCall:
        """The create call; raise RenderFailure(INVALID_PARAMETERS) for what cannot be sent."""

    @abstractmethod
    def parse_submit(self, body: Any, call: ApiCall) -> Submitted: ...

    @abstractmethod
    def parse_status(self, body: Any) -> TaskStatus: ...

    @abstractmethod
    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure: ...

    def parse_result(self, body: Any) -> TaskStatus:
        """For APIs that serve the output apart from the status (fal): the finished task."""
        raise NotImplementedError(f"{self.name} gave a result call but reads no result")

    def check_body(self, body: Any) -> RenderFailure | None:
        """An error reported inside a 2xx body (some APIs do); None when the body is fine."""
        return None

    def redact(self, text: str) -> str:
        return redact_secrets(text, self._secrets)

    async def task_charges(self) -> dict[str, TaskCharge] | None:
        """What the provider's task list says each recent task cost. None when the API lists
        no tasks."""
        return None

    # -- the render flow -----------------------------------------------------------------

    async def render(
        self,
        request: RenderRequest,
        store: MediaStore,
        *,
        deadline_s: float = 900.0,
        on_stage: StageCallback | None = None,
        on_task: Callable[[str], None] | None = None,
        client_ref: str | None = None,
    ) -> RenderResult:
        """Submit, poll, download; raises RenderFailure with an outcome when there is no clip.

        ``on_stage("submitting")`` is called just before the submit goes out (from then on the
        provider may charge) and ``on_task`` with the task id as soon as the provider gives it.
        A failure whose charge cannot be known (the submit's answer was lost, or the task was
        left running) has ``charge_unknown`` set. ``client_ref`` goes in the submit where the
        provider takes one (see ``client_ref``).
        """
        notify = on_stage or (lambda _stage: None)
        start = self.clock.monotonic()
        deadline = start + deadline_s
        submitted: Submitted | None = None
        tag = render_extensions(request)
        try:
            self._refuse_invalid(request)
            call = self.build_submit(request)
            if client_ref is not None and self.client_ref_field and call.json is not None:
                call = replace(call, json={**call.json, self.client_ref_field: client_ref})
            notify("submitting")
            body = await self._http.call(call, self.base_url, self.auth_headers(), deadline, self,
                                         idempotent=False, extensions=tag)
            try:
                submitted = self._parse(lambda b: self.parse_submit(b, call), body, call)
            except RenderFailure as failure:
                failure.failover = False  # the task may exist; do not start another
                failure.charge_unknown = True
                raise
            if on_task is not None:
                on_task(submitted.task_id)
            accepted = self.clock.monotonic()
            notify("running")
            status, queued_s = await self._wait(submitted, deadline, accepted, tag)
            finished = self.clock.monotonic()
            notify("downloading")
            assert status.video_url is not None
            try:
                clip = await self._http.download(status.video_url, store, deadline,
                                                 status.video_size, tag)
            except RenderFailure as failure:
                failure.cost_usd = self._cost(request, status)[0]
                failure.reword(failure.message + " (the task finished, so the provider has "
                               "charged for it)")
                raise
        except RenderFailure as failure:
            failure.provider = self.name
            failure.task_id = submitted.task_id if submitted else None
            failure.reword(self.redact(failure.message))
            if failure.outcome is Outcome.TIMEOUT and submitted and submitted.cancel:
                await self._http.cancel(submitted.cancel, self.base_url, self.auth_headers(), tag)
            raise
        done = self.clock.monotonic()
        cost_usd, cost_source = self._cost(request, status)
        return RenderResult(
            key=request.key,
            outcome=Outcome.SUCCEEDED,
            provider=request.provider,
            model=request.model,
            served_by=self.name,
            served_model=request.model,
            task_id=submitted.task_id,
            clip=clip,
            cost_usd=cost_usd,
            cost_source=cost_source,
            timings=Timings(
                submit_s=accepted - start,
                queued_s=queued_s,
                render_s=finished - accepted,
                download_s=done - finished,
                total_s=done - start,
            ),
        )

    def _cost(self, request: RenderRequest, status: TaskStatus) -> tuple[float, str]:
        """The provider's own figure when it gives one, else the list price."""
        if status.cost_usd is not None:
            return status.cost_usd, "provider"
        price = self.list_price(request)
        return price.usd, price.source

    def _refuse_invalid(self, request: RenderRequest) -> None:
        """Stop before any network call when the provider would reject the request anyway."""
        try:
            issues = self.capability_issues(request)
        except UnknownModelError as exc:
            raise RenderFailure(Outcome.INVALID_PARAMETERS, str(exc)) from None
        errors = [str(i) for i in issues if i.severity == "error"]
        if errors:
            raise RenderFailure(Outcome.INVALID_PARAMETERS, "; ".join(errors))

    async def _wait(
        self, submitted: Submitted, deadline: float, accepted: float, tag: Mapping[str, Any]
    ) -> tuple[TaskStatus, float | None]:
        try:
            return await self._poll_until_done(submitted, deadline, accepted, tag)
        except RenderFailure as failure:
            # Only a task the provider itself failed is known to be free; a poll that broke
            # off, or a deadline that passed, leaves a task that may still finish and charge.
            if not failure.task_failed:
                failure.charge_unknown = True
            raise

    async def _poll_until_done(
        self, submitted: Submitted, deadline: float, accepted: float, tag: Mapping[str, Any]
    ) -> tuple[TaskStatus, float | None]:
        queued_s: float | None = None
        while True:
            if self.clock.monotonic() + self.poll_interval >= deadline:
                raise RenderFailure(
                    Outcome.TIMEOUT,
                    f"task {submitted.task_id} did not finish before the render deadline "
                    f"({self.clock.monotonic() - accepted:.1f} s after it was accepted)",
                )
            await self.clock.sleep(self.poll_interval)
            body = await self._http.call(submitted.poll, self.base_url, self.auth_headers(),
                                         deadline, self, idempotent=True, extensions=tag)
            status = self._parse(self.parse_status, body, submitted.poll)
            if status.state in ("running", "succeeded") and queued_s is None:
                queued_s = self.clock.monotonic() - accepted
            if status.state == "failed":
                failure = status.failure or RenderFailure(
                    Outcome.PROVIDER_FAILED, f"task {submitted.task_id} failed without a reason"
                )
                failure.task_failed = True
                if status.cost_usd is not None:  # what the provider says it kept (Runway)
                    failure.cost_usd = status.cost_usd
                raise failure
            if status.state == "succeeded" and not status.video_url and submitted.result:
                body = await self._http.call(submitted.result, self.base_url,
                                             self.auth_headers(), deadline, self, idempotent=True,
                                             extensions=tag)
                status = self._parse(self.parse_result, body, submitted.result)
            if status.state == "succeeded":
                if not status.video_url:
                    raise RenderFailure(Outcome.PROVIDER_FAILED,
                                        f"task {submitted.task_id} succeeded without a video URL")
                return status, queued_s

    def _parse(self, parse: Callable[[Any], T], body: Any, call: ApiCall) -> T:
        try:
            return parse(body)
        except RenderFailure:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise RenderFailure(
                Outcome.PROVIDER_FAILED,
                f"unexpected response to {call.method} {call.path}: missing or malformed "
                f"{exc!s:.80}; the provider API may have changed",
            ) from None

    async def aclose(self) -> None:
        await self._http.aclose()
