"""Video-generation providers: one async interface on httpx, adapters registered by entry point."""

from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities, check_capabilities
from reelgate.providers.errors import (
    MissingCredentialsError,
    Outcome,
    ProviderConfigError,
    RenderFailure,
    UnknownModelError,
    UnknownProviderError,
)
from reelgate.providers.pricing import Price
from reelgate.providers.registry import create_provider, provider_class, provider_names
from reelgate.providers.result import Attempt, RenderResult, Timings
from reelgate.providers.timing import Clock, FastForwardClock, RetryPolicy, SystemClock

__all__ = [
    "ApiCall",
    "Attempt",
    "CapabilityIssue",
    "Clock",
    "FastForwardClock",
    "MissingCredentialsError",
    "ModelCapabilities",
    "Outcome",
    "Price",
    "Provider",
    "ProviderConfigError",
    "RenderFailure",
    "RenderResult",
    "RetryPolicy",
    "Submitted",
    "SystemClock",
    "TaskStatus",
    "Timings",
    "UnknownModelError",
    "UnknownProviderError",
    "check_capabilities",
    "create_provider",
    "provider_class",
    "provider_names",
]
