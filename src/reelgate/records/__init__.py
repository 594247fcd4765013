"""The run ledger (every render and its verdict, in SQLite or PostgreSQL) and the reports on it."""

from reelgate.records.errors import LedgerError
from reelgate.records.model import USABLE_VERDICTS, VERDICTS, LedgerRow, Verdict
from reelgate.records.report import (
    GroupTally,
    Report,
    ReportQuery,
    RetireSuggestion,
    Tally,
    WeekTally,
    build_report,
)
from reelgate.records.store import Ledger, LedgerStatus, open_ledger
from reelgate.records.urls import DEFAULT_LEDGER, LEDGER_ENV, resolve_ledger_url

__all__ = [
    "DEFAULT_LEDGER",
    "LEDGER_ENV",
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
