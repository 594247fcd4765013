"""The run ledger (every render and its verdict, in SQLite or PostgreSQL) and the reports on it.

Names are imported on first use, so ``reelgate --help`` and the CLI parser do not pay for
SQLAlchemy and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reelgate.records.errors import LedgerError
    from reelgate.records.model import LedgerRow
    from reelgate.records.query import ReportQuery, Tally
    from reelgate.records.report import GroupTally, Report, WeekTally, build_report
    from reelgate.records.retire import RetireSuggestion
    from reelgate.records.store import Ledger, LedgerStatus, open_ledger
    from reelgate.records.urls import DEFAULT_LEDGER, LEDGER_ENV, resolve_ledger_url
    from reelgate.records.vocabulary import SECTIONS, USABLE_VERDICTS, VERDICTS, Verdict

_HOMES = {
    "LedgerError": "errors",
    "LedgerRow": "model",
    "GroupTally": "report",
    "Report": "report",
    "ReportQuery": "query",
    "RetireSuggestion": "retire",
    "Tally": "query",
    "WeekTally": "report",
    "build_report": "report",
    "Ledger": "store",
    "LedgerStatus": "store",
    "open_ledger": "store",
    "DEFAULT_LEDGER": "urls",
    "LEDGER_ENV": "urls",
    "resolve_ledger_url": "urls",
    "SECTIONS": "vocabulary",
    "USABLE_VERDICTS": "vocabulary",
    "VERDICTS": "vocabulary",
    "Verdict": "vocabulary",
}
__all__ = [
    "DEFAULT_LEDGER",
    "LEDGER_ENV",
    "SECTIONS",
    "USABLE_VERDICTS",
    "VERDICTS",
    "GroupTally",
    "Ledger",
    "LedgerError",
    "LedgerRow",
    "LedgerStatus",
    "Report",
    "ReportQuery",
    "RetireSuggestion",
    "Tally",
    "Verdict",
    "WeekTally",
    "build_report",
    "open_ledger",
    "resolve_ledger_url",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'reelgate.records' has no attribute {name!r}")
    return getattr(importlib.import_module(f"reelgate.records.{home}"), name)
