"""Video-generation providers: one async interface on httpx, adapters registered by entry point.

A provider subclasses ``Provider``: it declares its models' capabilities and how to read its keys,
builds the submit call, reads task states and classifies errors; the shared flow does retries,
polling, deadlines, downloads into the media store and costing. Register it under the
``reelgate.providers`` entry-point group and ``provider_class(name)`` finds it.
"""

from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities
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
    "create_provider",
    "provider_class",
    "provider_names",
]
