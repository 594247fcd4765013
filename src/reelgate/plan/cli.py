"""``reelgate check``: the schema items of ``pytest presets`` without pytest.

It lives in the plan stage because the schema item also reports what the preset's provider
would refuse (capability gaps), which only the plan knows; it finds the suite as the plugin does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reelgate.preset.check import PresetResult
from reelgate.preset.diagnostics import Diagnostic


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = subparsers.add_parser("check", help="check preset files without running pytest")
    check.add_argument("paths", nargs="*", type=Path,
                       help="preset files or directories (default: the ini's preset_paths)")
    check.add_argument("--scenarios", type=Path,
                       help="default: as pytest finds it (ini preset_scenarios, else "
                       "<first preset path>/scenarios.yaml)")
    check.add_argument("--warnings", "-w", action="store_true",
                       help="also print warnings (layers a provider drops or only approximates)")
    check.set_defaults(func=_check)


def schema_diagnostics(result: PresetResult) -> list[Diagnostic]:
    """Everything the ``schema`` item reports of one file: the contract's and the plan's."""
    from reelgate.plan.requests import capability_diagnostics

    if result.preset is None or result.located is None:
        return list(result.diagnostics)
    return [*result.diagnostics, *capability_diagnostics(result.preset, result.located)]


def _check(args: argparse.Namespace) -> int:
    """Check the named files as ``pytest presets`` would; nothing to check is an error."""
    from reelgate.preset.project import ProjectError, find_project
    from reelgate.preset.suite import discover, load_suite

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        print(f"reelgate check: no such file or directory: {names}", file=sys.stderr)
        return 2
    try:
        project = find_project(args.paths, Path.cwd())
    except ProjectError as exc:
        print(f"reelgate check: {exc}", file=sys.stderr)
        return 2
    paths = [p.resolve() for p in args.paths] or list(project.preset_paths)
    scenarios = args.scenarios.resolve() if args.scenarios else project.scenarios
    if not discover(paths, scenarios.name):
        names = ", ".join(str(p) for p in args.paths or project.preset_paths)
        print(f"reelgate check: no preset files in {names} (a preset is a .yaml or .yml file "
              "other than the scenarios file and files under references/)", file=sys.stderr)
        return 2
    root = project.root
    suite = load_suite(root, paths, scenarios)
    failed = warned = 0
    for result in suite.results.values():
        diagnostics = schema_diagnostics(result)
        if any(d.severity == "error" for d in diagnostics):
            failed += 1
            print(result.report(root, diagnostics=diagnostics))
        warnings = [d for d in diagnostics if d.severity == "warning"]
        warned += len(warnings)
        if warnings and args.warnings:
            print(result.report(root, severity="warning", diagnostics=warnings))
    total = len(suite.results)
    hint = f" ({warned} warnings: -w shows them)" if warned and not args.warnings else ""
    print(f"{total - failed} of {total} presets valid{hint}")
    return 1 if failed else 0
