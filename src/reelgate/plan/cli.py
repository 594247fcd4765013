"""``reelgate check``: the schema items of ``pytest presets`` without pytest.

It lives in the plan stage because the schema item also reports what the preset's provider
would refuse (capability gaps), which only the plan knows; it finds the suite as the plugin does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = subparsers.add_parser("check", help="check preset files without running pytest")
    check.add_argument("paths", nargs="*", type=Path,
                       help="preset files or directories (default: the ini's preset_paths)")
    check.add_argument("--scenarios", type=Path,
                       help="default: as pytest finds it (ini preset_scenarios, else "
                       "<first preset path>/scenarios.yaml)")
    check.add_argument("--warnings", "-w", action="store_true",
                       help="also print warnings and provider notes (layers a provider drops or "
                       "only approximates)")
    check.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    """Check the named files as ``pytest presets`` would; nothing to check is an error."""
    from reelgate.preset.project import ProjectError, find_project
    from reelgate.preset.suite import discover

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
    from reelgate.plan.checked import load_checked
    from reelgate.plan.schema import note_lines

    root = project.root
    suite = load_checked(root, paths, scenarios)  # and its memo: pytest collects from it next
    failed = warned = 0
    notes = []
    for checked in suite.files.values():
        result, report = checked.result, checked.report  # exactly what the file's schema item reports
        notes.append(report.notes)
        errors, warnings = report.of("error"), report.of("warning")
        if errors:
            failed += 1
            print(result.report(root, diagnostics=errors))
        warned += len(warnings)
        if warnings and args.warnings:
            print(result.report(root, severity="warning", diagnostics=warnings))
    lines = note_lines(notes)
    if lines and args.warnings:
        print("provider notes (the same for every preset of the model):")
        print("\n".join(f"  {line}" for line in lines))
    suite.save()
    total = len(suite.files)
    hidden = [f"{count} {kind}" for count, kind in ((warned, "warnings"), (len(lines), "provider notes"))
              if count and not args.warnings]
    hint = f" ({', '.join(hidden)}: -w shows them)" if hidden else ""
    print(f"{total - failed} of {total} presets valid{hint}")
    return 1 if failed else 0
