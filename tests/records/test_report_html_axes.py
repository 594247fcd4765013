"""The HTML ledger report's charts span the data they draw: one week of renders is drawn on that
week (matplotlib alone padded a lone date by years, 2025 to 2029), and usable rate against
motion_score spans the scores rendered."""

from __future__ import annotations

import re

import pytest

from reelgate.records import open_ledger
from tests.records.test_cli import _run
from tests.records.test_winners import PERIOD, USABLE_OF_20, hump_rows

pytest.importorskip("matplotlib", reason="the HTML report needs the [report] extra")


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each chart's title -> the texts drawn in it, from a report of one week of renders."""
    folder = tmp_path_factory.mktemp("axes")
    with open_ledger(folder / "ledger.sqlite") as ledger:
        ledger.append(hump_rows())  # every render on 2025-03-05, ISO week 2025-W10
    page = folder / "report.html"
    assert _run(["report", "--ledger", str(folder / "ledger.sqlite"), *PERIOD, "--format", "html",
                 "-o", str(page)]) == 0
    found = {}
    for svg in re.findall(r"<svg.*?</svg>", page.read_text(), re.S):
        texts = [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
        found[next(t for t in texts if t.startswith(("Usable", "Cost")))] = texts
    return found


def test_one_week_of_data_is_drawn_on_that_week(charts: dict[str, list[str]]) -> None:
    for title in ("Usable rate by ISO week", "Cost per usable clip by ISO week (live spend)"):
        years = [t for t in charts[title] if re.match(r"^(19|20)\d\d", t)]
        assert years == ["2025-W10"], title  # the one tick: no year, month or day around it


def test_usable_rate_against_motion_spans_the_scores(charts: dict[str, list[str]]) -> None:
    texts = charts["Usable rate against motion_score"]
    ticks = [float(t.replace("\u2212", "-")) for t in texts if re.fullmatch(r"[\u2212-]?\d+(\.\d+)?", t)]
    low, high = min(USABLE_OF_20), max(USABLE_OF_20)
    assert ticks and all(low - 1 < t < high + 1 for t in ticks), ticks
    assert {"ad", "motion_score"} <= set(texts)
