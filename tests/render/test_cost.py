import pytest

from reelgate.render.cost import CostLimitError, estimate_cost, guard_cost
from reelgate.request import ProviderChoice
from tests.providers.factories import make_request

REQUESTS = [make_request(sweep_point=p) for p in ("low", "mid", "high")] + [
    make_request(sweep_point="x", provider="luma", model="ray-2", duration=9),
    make_request(sweep_point="y", model="kling-v1"),
]


def test_estimate_adds_list_prices_by_provider() -> None:
    estimate = estimate_cost(REQUESTS)
    assert estimate.by_provider == {"kling": pytest.approx(0.91), "luma": pytest.approx(1.27)}
    assert estimate.total_usd == pytest.approx(2.18)
    assert "1 price(s) assumed" in estimate.summary()


def test_failover_worst_case_is_reported() -> None:
    request = make_request(failover=ProviderChoice(name="replicate", model="kwaivgi/kling-v2.6"))
    estimate = estimate_cost([request])
    assert estimate.failover_usd == pytest.approx(0.35)
    assert "up to $0.35 more" in estimate.summary()


def test_guard_refuses_above_the_limit() -> None:
    with pytest.raises(CostLimitError, match=r"above --preset-max-cost \$2\.00"):
        guard_cost(REQUESTS, 2.0, env={})
    assert guard_cost(REQUESTS, 2.5, env={}).total_usd == pytest.approx(2.18)


def test_ci_needs_a_budget() -> None:
    with pytest.raises(CostLimitError, match="without a budget"):
        guard_cost(REQUESTS, None, env={"CI": "true"})
    assert guard_cost(REQUESTS, None, env={}).lines
    assert guard_cost(REQUESTS, 5, env={"CI": "true"}).lines
    assert guard_cost([], None, env={"CI": "true"}).total_usd == 0


@pytest.mark.parametrize(("url", "free"), [
    ("http://127.0.0.1:8765", True),
    ("http://localhost:8765/v1", True),
    ("https://[::1]:9000", True),
    ("http://127.example.com", False),  # a name that starts like a loopback address is a real host
    ("http://localhost.example.com", False),
    ("https://api-singapore.klingai.com", False),
    (None, False),
])
def test_only_this_machine_renders_for_free(url: str | None, free: bool) -> None:
    """The budget skips the simulator on this machine; a look-alike host name is paid for."""
    from reelgate.render.flight import is_live

    assert is_live(None, replay=False, base_url=url) is not free
