"""The base of every settings object: frozen (a settings object is a value the analyzer's
identity and the cache key are computed from) and strict (a misspelt field is an error, not a
silently ignored knob)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenSettings(BaseModel):
    """Frozen, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)
