"""One run's results from its shards: ``pytest --preset-shard K/N --preset-results DIR`` writes a
results file per shard (with copies of its contact sheets); ``reelgate report --merge DIR...``
reads them back and prints the whole run's summary table, or writes its HTML page.

A results file is an artifact of one run, not a committed file: JSON with a format name and
version, checked on read (one line naming the file and the fix).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_FORMAT = "reelgate-results"
RESULTS_VERSION = 1
SHEETS_DIR = "sheets"  # contact sheets of a results file, next to it
CLIPS_DIR = "clips"  # and the clips its moved regressions play side by side
_NAME = re.compile(r"^reelgate-results(?:-(\d+)-of-(\d+))?\.json$")


class MergeError(Exception):
    """Results that cannot be merged; the text is one line naming the file or shard."""


def results_name(shard: tuple[int, int] | None) -> str:
    """The results file's name in its directory: one per shard, so shards can share one."""
    return f"reelgate-results-{shard[0]}-of-{shard[1]}.json" if shard else "reelgate-results.json"


def format_table(header: Sequence[str], body: Iterable[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell, two spaces apart; nothing without a body row."""
    rows = [tuple(header), *(tuple(r) for r in body)]
    if len(rows) == 1:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]


@dataclass
class MergedRun:
    """The whole run, assembled: the HTML page's input, the table, where each part came from."""

    run: dict[str, Any]
    header: list[str]
    rows: list[list[str]]  # table rows, in preset path order
    shards: list[str] = field(default_factory=list)  # "1/2", ... or "whole run"
    outcomes: dict[str, int] = field(default_factory=dict)  # pytest outcome -> preset items

    def table(self) -> list[str]:
        return format_table(self.header, self.rows)

    def lines(self) -> list[str]:
        """What ``reelgate report --merge`` prints: the table, the notes, the run's totals."""
        from reelgate.plan.schema import note_lines

        notes = note_lines(p["notes"] for p in self.run["presets"] if "notes" in p)
        cost = sum(float(p.get("cost_usd", 0.0)) for p in self.run["presets"])
        counts = ", ".join(f"{n} {word}" for word, n in sorted(self.outcomes.items()))
        return [*self.table(), *(f"reelgate note: {note}" for note in notes),
                f"reelgate: {_count(len(self.run['presets']), 'preset')} from "
                f"{joined_shards(self.shards)}; "
                f"preset items {counts or 'none'}; recorded cost ${cost:.2f}"]


def joined_shards(shards: Sequence[str]) -> str:
    return "one run" if shards == ["whole run"] else f"{_count(len(shards), 'shard')} ({', '.join(shards)})"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def merge_results(folders: Sequence[Path]) -> MergedRun:
    """Every results file in ``folders`` as one run; raises MergeError if a shard is missing,
    twice, or two shards hold one preset."""
    files = sorted({f.resolve() for folder in folders for f in _results_in(folder)})
    if not files:
        raise MergeError(f"no reelgate-results*.json in or under {', '.join(map(str, folders))}: run each "
                         "shard with --preset-results DIR first")
    loaded = [(f, _read(f)) for f in files]
    _check_shards(loaded)
    presets: dict[str, dict[str, Any]] = {}
    rows: dict[str, list[str]] = {}
    owner: dict[str, Path] = {}
    outcomes: dict[str, int] = {}
    header: list[str] = []
    for path, data in loaded:
        header = header or list(data["header"])
        for preset in data["run"]["presets"]:
            where = preset["path"]
            if where in owner:
                raise MergeError(f"{path}: preset {where} is also in {owner[where]}; shards must "
                                 "split the presets (same --preset-shard N and selection for each)")
            owner[where] = path
            presets[where] = _sheets_from(preset, path.parent)
            for outcome in preset.get("items", {}).values():
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        rows.update({where: list(cells) for where, cells in data["rows"]})
    first = loaded[0][1]["run"]
    run = {**first, "presets": [presets[k] for k in sorted(presets)]}
    return MergedRun(run, header, [rows[k] for k in sorted(rows)],
                     [_shard_text(d) for _, d in loaded], outcomes)


def _results_in(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise MergeError(f"{folder}: no such directory (give the folders the shards' "
                         "--preset-results wrote)")
    return [f for f in folder.rglob("reelgate-results*.json") if _NAME.match(f.name)]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MergeError(f"{path}: not a results file reelgate can read ({exc}); run the shard "
                         "again") from None
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        raise MergeError(f"{path}: not a {RESULTS_FORMAT} file")
    if data.get("version") != RESULTS_VERSION:
        raise MergeError(f"{path}: results format version {data.get('version')!r}, this reelgate "
                         f"reads version {RESULTS_VERSION}; merge with the reelgate that wrote it")
    return data


def _shard_text(data: dict[str, Any]) -> str:
    shard = data.get("shard")
    return f"{shard[0]}/{shard[1]}" if shard else "whole run"


def _check_shards(loaded: list[tuple[Path, dict[str, Any]]]) -> None:
    shards = [tuple(d["shard"]) if d.get("shard") else None for _, d in loaded]
    if None in shards:
        if len(shards) > 1:
            raise MergeError(f"{loaded[shards.index(None)][0]} is a whole run, not a shard: merge "
                             "the shards of one run only")
        return
    counts = {n for _, n in shards}  # type: ignore[misc]
    if len(counts) > 1:
        raise MergeError(f"shards of different runs: {', '.join(f'{k}/{n}' for k, n in shards)}")  # type: ignore[misc]
    total = counts.pop()
    missing = sorted(set(range(1, total + 1)) - {k for k, _ in shards})  # type: ignore[misc]
    if missing:
        raise MergeError(f"shard {missing[0]}/{total} missing: no {results_name((missing[0], total))} "
                         "(did its job fail before writing it?)")


def sheet_holders(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict in ``data`` that names a contact sheet (a clip, a side of a regression pair)."""
    if isinstance(data, dict):
        if isinstance(data.get("sheet"), str) and data["sheet"]:
            yield data
        for value in data.values():
            yield from sheet_holders(value)
    elif isinstance(data, list):
        for value in data:
            yield from sheet_holders(value)


def pair_sides(presets: Any) -> Iterator[dict[str, Any]]:
    """Each side (approved, now) of the regression pairs in ``presets`` that names its clip."""
    for preset in presets:
        for pair in (preset.get("regression") or {}).get("pairs") or []:
            for label in ("approved", "now"):
                side = pair.get(label)
                if isinstance(side, dict) and isinstance(side.get("path"), str) and side["path"]:
                    yield side


def _sheets_from(preset: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The preset with its contact sheets' and side-by-side clips' paths made absolute (they
    sit next to the file)."""
    for holder in sheet_holders(preset):
        if not Path(holder["sheet"]).is_absolute():
            holder["sheet"] = str(folder / holder["sheet"])
    for side in pair_sides([preset]):
        if not Path(side["path"]).is_absolute():
            side["path"] = str(folder / side["path"])
    return preset


def merged_text(folders: Sequence[Path], fmt: str) -> str:
    """``reelgate report --merge``'s output in a format of ``reelgate report --format``."""
    merged = merge_results(folders)
    if fmt == "json":
        return json.dumps({**merged.run, "shards": merged.shards, "outcomes": merged.outcomes,
                           "table": merged.table()}, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        from reelgate.records.run_html import render_run_html

        return render_run_html(merged.run)
    if fmt == "markdown":
        cells = [[f"`{row[0]}`", *row[1:]] for row in merged.rows]
        lines = ["## reelgate", "", "| " + " | ".join(merged.header) + " |",
                 "|" + "---|" * len(merged.header), *("| " + " | ".join(r) + " |" for r in cells)]
        return "\n".join([*lines, "", merged.lines()[-1]]) + "\n"
    return "\n".join(merged.lines()) + "\n"
