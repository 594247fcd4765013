"""The cost guard: estimate a run before any live call and refuse it above the budget.

In CI (``CI=true``) a live run without a budget is refused outright: an unattended job should
never spend without someone having written down how much it may spend.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reelgate.providers.errors import ProviderConfigError
from reelgate.providers.registry import provider_class
from reelgate.request import RenderRequest


class CostLimitError(ProviderConfigError):
    """The run would cost more than allowed (or has no budget in CI); nothing was sent."""


@dataclass(frozen=True)
class CostLine:
    key: str
    provider: str
    model: str
    usd: float
    source: str
    assumed: bool


@dataclass(frozen=True)
class CostEstimate:
    lines: tuple[CostLine, ...]
    failover_usd: float = 0.0

    @property
    def total_usd(self) -> float:
        return round(sum(line.usd for line in self.lines), 4)

    @property
    def by_provider(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.provider] = round(totals.get(line.provider, 0.0) + line.usd, 4)
        return totals

    def summary(self) -> str:
        """One line for a terminal, e.g. ``$2.52 for 12 renders (kling $2.52)``."""
        parts = ", ".join(f"{name} ${usd:.2f}" for name, usd in sorted(self.by_provider.items()))
        text = f"${self.total_usd:.2f} for {len(self.lines)} renders" + (f" ({parts})" if parts
                                                                         else "")
        assumed = sum(1 for line in self.lines if line.assumed)
        if assumed:
            text += f"; {assumed} price(s) assumed, see reelgate.providers.pricing"
        if self.failover_usd:
            text += f"; up to ${self.failover_usd:.2f} more if every failover is used"
        return text


def estimate_cost(requests: Iterable[RenderRequest]) -> CostEstimate:
    """List-price estimate of rendering every request once on its primary provider."""
    lines = []
    failover = 0.0
    for request in requests:
        price = provider_class(request.provider).list_price(request)
        lines.append(CostLine(request.key, request.provider, request.model, price.usd,
                              price.source, price.assumed))
        if request.failover is not None:
            backup = request.retarget(request.failover)
            failover += provider_class(backup.provider).list_price(backup).usd
    return CostEstimate(tuple(lines), round(failover, 4))


def in_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() in ("true", "1", "yes")


def guard_cost(
    requests: Iterable[RenderRequest] | CostEstimate,
    max_cost: float | None,
    *,
    env: Mapping[str, str] | None = None,
) -> CostEstimate:
    """The estimate, or CostLimitError when it exceeds ``max_cost`` (or in CI with no budget)."""
    estimate = requests if isinstance(requests, CostEstimate) else estimate_cost(requests)
    environment = os.environ if env is None else env
    if max_cost is None:
        if in_ci(environment) and estimate.lines:
            raise CostLimitError(
                f"refusing to render live in CI without a budget: this run would cost about "
                f"{estimate.summary()}. Set --preset-max-cost (USD), or replay from cassettes"
            )
        return estimate
    if estimate.total_usd > max_cost:
        raise CostLimitError(
            f"this run would cost about {estimate.summary()}, above --preset-max-cost "
            f"${max_cost:.2f}. Raise the limit, select fewer presets (-k), or replay from "
            "cassettes"
        )
    return estimate
