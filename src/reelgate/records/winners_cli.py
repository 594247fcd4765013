"""``reelgate report --winners [--write]``: the winners view, and scenarios.yaml updated from it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from reelgate.records.errors import LedgerError
from reelgate.records.report import ReportQuery
from reelgate.records.scenarios_file import ScenariosFileError, read_scopes, write_ranges
from reelgate.records.store import open_ledger
from reelgate.records.urls import resolve_ledger_url
from reelgate.records.winners import ScenarioScope, Winners, build_winners


def scenarios_path(given: Path | None) -> Path:
    """The file named, else the suite's own (``preset_scenarios`` or ``<presets>/scenarios.yaml``)."""
    if given is not None:
        return given
    from reelgate.preset.project import ProjectError, find_project

    cwd = Path.cwd()
    try:
        return find_project([cwd], cwd).scenarios
    except ProjectError:
        return cwd / "presets" / "scenarios.yaml"


def load_scopes(given: Path | None, *, required: bool) -> tuple[dict[str, ScenarioScope], Path | None]:
    """The scenarios' current ranges; a missing default file is no error unless it is ``required``."""
    path = scenarios_path(given)
    if not path.is_file():
        if given is not None or required:
            raise ScenariosFileError(f"{path}: scenarios file not found; give its path with --scenarios PATH")
        return {}, None
    return read_scopes(path), path


def quiet_scopes(given: Path | None) -> tuple[dict[str, ScenarioScope], str | None]:
    """Scopes for the HTML page's chart: a missing or bad scenarios file only leaves names out."""
    try:
        scopes, path = load_scopes(given, required=False)
    except ScenariosFileError:
        return {}, None
    return scopes, str(path) if path else None


def winners_for(args: argparse.Namespace, query: ReportQuery) -> Winners:
    scopes, path = load_scopes(args.scenarios, required=args.write)
    with open_ledger(resolve_ledger_url(args.ledger), create=False) as ledger:
        return build_winners(ledger, query, scopes, str(path) if path else None)


def run_winners(args: argparse.Namespace, query: ReportQuery, fail: Callable[[str], int]) -> int:
    from reelgate.records.output import emit
    from reelgate.records.winners_text import render_winners, winners_emptiness

    try:
        winners = winners_for(args, query)
    except (LedgerError, ScenariosFileError) as exc:
        return fail(str(exc))
    if args.format == "html":
        from reelgate.records.render_html import render_html
        from reelgate.records.report import build_report

        with open_ledger(resolve_ledger_url(args.ledger), create=False) as ledger:
            report = build_report(ledger, query)
        text = render_html(report, winners)
    else:
        text = render_winners(winners, args.format)
    emit(text, args.output, winners_emptiness(winners))
    if not args.write:
        return 0
    assert winners.scenarios_file is not None  # required above
    proposals = {item.scenario: item.proposal for item in winners.scenarios
                 if item.proposal is not None and item.scope is not None}
    if not proposals:
        print(f"{winners.scenarios_file}: nothing written: no scenario has enough data for a proposal")
        return 0
    try:
        said = write_ranges(Path(winners.scenarios_file), proposals)
    except ScenariosFileError as exc:
        return fail(str(exc))
    print(f"{winners.scenarios_file}: " + "; ".join(said))
    return 0
