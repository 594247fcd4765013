"""``reelgate report``: the ledger's usable rate, cost per usable clip, trend and retire suggestions."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reelgate.records.errors import LedgerError
from reelgate.records.vocabulary import SECTIONS

FORMATS = ("table", "markdown", "json", "html")
DEFAULT_SINCE = "12w"
_RELATIVE = re.compile(r"^(\d+)([dw])$")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser(
        "report",
        help="usable rate and cost per usable clip from the run ledger",
        description="Usable rate (pass or pass-with-edits) per ISO week, cost per usable clip (live "
        "spend only), per scenario, preset and provider, the trend against the previous period of "
        "the same length, and presets to retire.",
    )
    report.add_argument("--ledger", metavar="URL", default=None,
                        help="a SQLite file or postgresql://... (default: $REELGATE_LEDGER, "
                        "else .reelgate/ledger.sqlite)")
    report.add_argument("--since", default=DEFAULT_SINCE, metavar="WHEN",
                        help="start of the period: a date, an ISO time, Nd or Nw before --until, "
                        f"or 'all' (default: {DEFAULT_SINCE})")
    report.add_argument("--until", default=None, metavar="WHEN", help="end of the period (default: now)")
    report.add_argument("--scenario", action="append", default=[], help="only this scenario (repeatable)")
    report.add_argument("--preset", action="append", default=[], help="only this preset id (repeatable)")
    report.add_argument("--provider", action="append", default=[], help="only this provider (repeatable)")
    report.add_argument("--live-only", action="store_true", help="leave replayed renders out of every figure")
    report.add_argument("--floor", type=_rate, default=0.5,
                        help="usable-rate floor under which a preset is suggested for retirement "
                        "(default: 0.5)")
    report.add_argument("--scenario-floor", action="append", default=[], type=_scenario_floor,
                        metavar="SCENARIO=RATE", help="a floor for one scenario (repeatable)")
    report.add_argument("--last-runs", type=_positive, default=5,
                        help="runs a preset must have stayed below its floor to be suggested (default: 5)")
    report.add_argument("--section", action="append", choices=SECTIONS, default=[],
                        help="only this part of the report (repeatable; default: all of "
                        f"{', '.join(SECTIONS)})")
    report.add_argument("--merge", nargs="+", type=Path, metavar="DIR", default=None,
                        help="instead of the ledger: assemble one run from the results its shards "
                        "wrote (pytest --preset-shard K/N --preset-results DIR): the summary table "
                        "(table, markdown), the run's data (json) or its HTML page (html)")
    report.add_argument("--winners", action="store_true",
                        help="per scenario: the motion_score range, cameras and references that win, "
                        "and the motion_range and sweep the data supports for scenarios.yaml")
    report.add_argument("--write", action="store_true",
                        help="with --winners: set the proposed motion_range and sweep in scenarios.yaml "
                        "(comments and order kept; only those lines change)")
    report.add_argument("--scenarios", type=Path, default=None, metavar="PATH",
                        help="the scenarios file (default: the suite's, found as pytest finds it)")
    report.add_argument("--format", choices=FORMATS, default="table")
    report.add_argument("--output", "-o", type=Path, help="write the report to this file instead of stdout")
    report.set_defaults(func=run_report)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate between 0 and 1 (e.g. 0.5)")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _scenario_floor(text: str) -> tuple[str, float]:
    name, sep, rate = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not SCENARIO=RATE (e.g. dance=0.4)")
    return name.strip(), _rate(rate)


def parse_moment(text: str, *, until: datetime | None = None) -> datetime:
    """A date (midnight UTC), an ISO 8601 time (naive means UTC), or ``Nd``/``Nw`` before ``until``."""
    relative = _RELATIVE.match(text.strip())
    if relative:
        if until is None:
            raise ValueError(f"{text!r} is relative; give --until as a date or time")
        amount, unit = int(relative[1]), relative[2]
        return until - timedelta(days=amount * (7 if unit == "w" else 1))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (2025-01-31), an ISO time, Nd or Nw") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def run_report(args: argparse.Namespace) -> int:
    from reelgate.extras import missing
    from reelgate.records.render_text import emptiness, render_json, render_markdown, render_table
    from reelgate.records.report import ReportQuery, build_report
    from reelgate.records.store import open_ledger
    from reelgate.records.urls import resolve_ledger_url
    from reelgate.records.winners import build_winners
    from reelgate.records.winners_cli import quiet_scopes

    if args.write and not args.winners:
        return _fail("--write updates scenarios.yaml from the winners view: add --winners")
    if args.write and args.format != "table":
        return _fail("--write prints what it changed: leave --format out")
    # --write edits scenarios.yaml with ruamel.yaml, which the HTML pages never import
    wants = (("--format html", args.format == "html", ()), ("--write", args.write, ("ruamel.yaml",)))
    for flag, needed, also in wants:
        if needed and (absent := missing("report", also)) is not None:
            return _fail(f"{flag}: {absent}")  # before the ledger is read
    if args.merge:
        from reelgate.records.merge import MergeError, merge_results, merged_text
        from reelgate.records.output import emit

        try:
            page = Path(args.output) if args.format == "html" and args.output else None
            if page is not None and (page.is_file() or not page.exists()):
                from reelgate.records.run_html import write_run_html  # its clips copied beside it

                write_run_html(merge_results(args.merge).run, page)
                print(f"wrote {page}")
            else:
                emit(merged_text(args.merge, args.format), args.output, None)
        except MergeError as exc:
            return _fail(str(exc))
        return 0
    try:
        until = parse_moment(args.until) if args.until else datetime.now(UTC)
        since = None if args.since.strip().lower() == "all" else parse_moment(args.since, until=until)
    except ValueError as exc:
        return _fail(str(exc))
    if since is not None and since >= until:
        return _fail(f"--since ({since:%Y-%m-%d %H:%M}) must be before --until ({until:%Y-%m-%d %H:%M})")
    query = ReportQuery(
        since=since, until=until, scenarios=tuple(args.scenario), presets=tuple(args.preset),
        providers=tuple(args.provider), live_only=args.live_only, floor=args.floor,
        floors=dict(args.scenario_floor), last_runs=args.last_runs,
        sections=tuple(name for name in SECTIONS if name in args.section) or SECTIONS,
    )
    if args.winners:
        from reelgate.records.winners_cli import run_winners

        return run_winners(args, query, _fail)
    try:
        with open_ledger(resolve_ledger_url(args.ledger), create=False) as ledger:
            report = build_report(ledger, query)
            html = args.format == "html"
            winners = build_winners(ledger, query, *quiet_scopes(args.scenarios)) if html else None
    except LedgerError as exc:
        return _fail(str(exc))
    if args.format == "html":
        from reelgate.records.render_html import render_html

        text = render_html(report, winners)
    else:
        text = {"table": render_table, "markdown": render_markdown, "json": render_json}[args.format](report)
    from reelgate.records.output import emit

    emit(text, args.output, emptiness(report))
    return 0


def _fail(message: str) -> int:
    print(f"reelgate report: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """``python -m reelgate.records report ...``, for use before the console script wires it in."""
    parser = argparse.ArgumentParser(prog="python -m reelgate.records")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    return int(args.func(args))
