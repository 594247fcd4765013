"""Render outcomes and the errors that carry them.

Every way a render can end has one outcome with one piece of advice, so a failing pytest item
says what happened and what to do, the same way for every provider.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    AUTH_FAILED = "auth_failed"
    INVALID_PARAMETERS = "invalid_parameters"
    MODERATION_INPUT = "moderation_input"
    MODERATION_OUTPUT = "moderation_output"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    RATE_LIMITED = "rate_limited"
    PROVIDER_FAILED = "provider_failed"
    TIMEOUT = "timeout"
    BUDGET_EXCEEDED = "budget_exceeded"
    CANCELLED = "cancelled"
    LOCAL_ERROR = "local_error"


ADVICE: dict[Outcome, str] = {
    Outcome.SUCCEEDED: "",
    Outcome.AUTH_FAILED: "check the provider key in the environment (wrong, expired or revoked)",
    Outcome.INVALID_PARAMETERS: "fix the preset field the provider rejected; run the schema check",
    Outcome.MODERATION_INPUT: "the provider's moderation rejected the prompt or reference; "
    "rephrase or replace it",
    Outcome.MODERATION_OUTPUT: "the provider's moderation rejected the generated clip; "
    "adjust the prompt or try another seed",
    Outcome.INSUFFICIENT_CREDITS: "top up the provider account or resource pack",
    Outcome.RATE_LIMITED: "lower --preset-concurrency, wait, or raise the account's limits",
    Outcome.PROVIDER_FAILED: "a provider-side failure; retry later or set a failover provider",
    Outcome.TIMEOUT: "raise the render deadline or retry later; the provider may still finish "
    "(and charge for) the task",
    Outcome.BUDGET_EXCEEDED: "raise --preset-max-cost or render fewer presets",
    Outcome.CANCELLED: "the run stopped before this render finished",
    Outcome.LOCAL_ERROR: "a problem on this machine, not at the provider: fix it and run again",
}

# Failures that another provider might not have: capacity and server trouble.
FAILOVER_OUTCOMES = frozenset({Outcome.RATE_LIMITED, Outcome.PROVIDER_FAILED})


class RenderFailure(Exception):
    """A render ended without a clip; ``outcome`` says why, ``str()`` says what to do."""

    def __init__(
        self,
        outcome: Outcome,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = None,
        provider_code: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        failover: bool | None = None,
        task_id: str | None = None,
        cost_usd: float = 0.0,
        charge_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.provider_code = provider_code
        self.retryable = retryable
        self.retry_after = retry_after
        self.failover = outcome in FAILOVER_OUTCOMES if failover is None else failover
        self.task_id = task_id
        self.cost_usd = cost_usd  # charged despite the failure (e.g. finished, download failed)
        # The submit went out and no clear answer came back: the provider may have charged.
        self.charge_unknown = charge_unknown
        self.task_failed = False  # the provider failed the task itself: nothing is charged

    def reword(self, message: str) -> None:
        """Replace the message (to add context or mask a key) everywhere it is shown."""
        self.message = message
        self.args = (message,)

    def __str__(self) -> str:
        where = f"{self.provider}: " if self.provider else ""
        codes = [str(c) for c in (self.status_code, self.provider_code) if c is not None]
        code_text = f" [{'/'.join(codes)}]" if codes else ""
        advice = ADVICE[self.outcome]
        return f"{where}{self.outcome.value}{code_text}: {self.message}" + (
            f" ({advice})" if advice else ""
        )

    def __repr__(self) -> str:
        return f"RenderFailure({self.outcome.value!r}, {self.message!r}, provider={self.provider!r})"


class ProviderConfigError(Exception):
    """The run is set up wrongly (unknown provider or model, missing key); nothing was sent."""


class UnknownProviderError(ProviderConfigError, LookupError):
    pass


class UnknownModelError(ProviderConfigError, ValueError):
    pass


class MissingCredentialsError(ProviderConfigError):
    pass


def outcome_for_status(status: int) -> tuple[Outcome, bool]:
    """(outcome, retryable) from an HTTP status alone, when the body says nothing more."""
    if status in (401, 403):
        return Outcome.AUTH_FAILED, False
    if status == 402:
        return Outcome.INSUFFICIENT_CREDITS, False
    if status in (408, 429):
        return Outcome.RATE_LIMITED if status == 429 else Outcome.PROVIDER_FAILED, True
    if status >= 500:
        return Outcome.PROVIDER_FAILED, True
    return Outcome.INVALID_PARAMETERS, False


_MODERATION_WORDS = ("moderation", "safety", "nsfw", "sensitive", "content policy",
                     "content_policy", "risk", "inappropriate", "violat", "flagged")
_CREDIT_WORDS = ("credit", "balance", "insufficient funds", "payment required", "quota")


def mentions_moderation(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _MODERATION_WORDS)


def mentions_credits(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _CREDIT_WORDS)
