"""Providers by name, from the ``reelgate.providers`` entry-point group.

A team adds its own provider by declaring an entry point in its package (no fork needed):
``[project.entry-points."reelgate.providers"] acme = "acme_video:AcmeProvider"``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from reelgate.providers.base import Provider
from reelgate.providers.errors import UnknownProviderError

GROUP = "reelgate.providers"


@functools.cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def provider_names() -> list[str]:
    return sorted(_entry_points())


@functools.cache  # asked once per render's output contract: the entry point loads once
def provider_class(name: str) -> type[Provider]:
    """The class registered as ``name``; UnknownProviderError lists what is installed."""
    found = _entry_points().get(name)
    if found is None:
        installed = ", ".join(provider_names()) or "none"
        raise UnknownProviderError(
            f"no provider named {name!r}; installed: {installed}. A provider from another "
            f"package must declare an entry point in the {GROUP!r} group"
        )
    cls = found.load()
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise UnknownProviderError(
            f"entry point {name!r} ({found.value}) is not a reelgate Provider subclass"
        )
    return cls


def create_provider(
    name: str, *, env: Mapping[str, str] | None = None, **options: Any
) -> Provider:
    """A ready provider with keys from ``env`` (default: the process environment)."""
    return provider_class(name).from_env(env, **options)


def reload_providers() -> None:
    """Forget the cached entry points (after installing a provider package at run time)."""
    _entry_points.cache_clear()
