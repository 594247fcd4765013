"""The run's HTML report (``--preset-html``): one page per run, a CI artifact.

The page is the jinja2 template ``templates/run.html.j2`` with autoescape on, so every text from
the run (preset names, messages: user input) is escaped by the template, never by hand. Contact
sheets are data URIs and charts inline SVG, the style a <style> element; no scripts, fonts or
network. The one thing beside the page: the clips shown side by side (approved and now), copied
into ``<report name>-media/`` next to it and played by ``<video>`` from that relative path, so the
page stays small and the folder uploaded as the artifact plays anywhere. Every outcome is a word
(and a symbol) as well as a colour.
"""

from __future__ import annotations

import base64
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reelgate.extras import MissingExtraError

try:
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup
except ModuleNotFoundError as exc:  # the [report] extra
    raise MissingExtraError("report", "jinja2") from exc

from reelgate.atomic import write_bytes_atomic, write_text_atomic
from reelgate.records.run_style import STYLE

KINDS = {
    "pass": "ok", "passed": "ok", "ok": "ok", "approved": "ok",
    "pass-with-edits": "warn", "warn": "warn", "not approved yet": "warn", "xpass": "warn",
    "xpassed": "warn", "not recorded": "warn", "stale recording": "warn", "changed": "warn",
    "fail": "bad", "failed": "bad", "error": "bad", "worse": "bad", "missing": "bad",
    "render failed": "bad", "rubric failed": "bad",
}
SYMBOLS = {"ok": "\u2713", "warn": "!", "bad": "\u2717", "muted": "\u2013"}
# pytest's words for an xfail-marked item that passed; the badge says XPASS and what to do.
XPASS = ("xpass", "xpassed")
_ITEM_ORDER = ("schema", "reference", "sweep[", "regression")
_IMAGES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
VIDEO_WIDTH = 480  # px: two clips of a pair fit the page side by side
_ENVIRONMENT = Environment(loader=PackageLoader("reelgate.records", "templates"), autoescape=True,
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                           undefined=StrictUndefined)


def write_run_html(run: dict[str, Any], target: Path) -> Path:
    """Write the page to ``target`` whole (a reader never sees half of it), with the clips it
    plays copied beside it; returns ``target``."""
    media = copy_media(run, target)
    write_text_atomic(target, render_run_html(run, media))
    return target


def media_folder(target: Path) -> Path:
    return target.parent / f"{target.stem}-media"


def copy_media(run: dict[str, Any], target: Path) -> dict[str, str]:
    """Copy each side-by-side clip to ``<report>-media/<sha>.mp4`` (a hard link when the file
    system allows); returns sha -> the path relative to the page."""
    folder = media_folder(target)
    root = Path(str(run.get("root") or "."))
    shown: dict[str, str] = {}
    for preset in run.get("presets") or []:
        for pair in (preset.get("regression") or {}).get("pairs") or []:
            for side in (pair.get("approved") or {}, pair.get("now") or {}):
                sha, path = side.get("sha"), side.get("path")
                if not sha or not path or sha in shown or not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
                    continue
                source = _under(root, str(path))
                copy = folder / f"{sha}.mp4"
                try:
                    if not copy.is_file():
                        folder.mkdir(parents=True, exist_ok=True)
                        try:
                            os.link(source, copy)
                        except OSError:
                            write_bytes_atomic(copy, source.read_bytes())
                except OSError:
                    continue  # the page says the clip is not playable
                shown[str(sha)] = f"{folder.name}/{sha}.mp4"
    return shown


def render_run_html(run: dict[str, Any], media: Mapping[str, str] | None = None) -> str:
    """The page as text (the same run gives the same bytes); ``media`` maps a clip's hash to
    the page-relative path it plays from (``copy_media``)."""
    root = str(run.get("root") or ".")
    everything = run.get("presets") or []
    presets = [p for p in everything if not _abstract(p)]
    abstract = [str(p.get("path", "?")) for p in everything if _abstract(p)]
    views = [_preset(index, preset, root, media or {}) for index, preset in enumerate(presets)]
    names = sorted({name for preset in presets for name, _ in _points(preset)},
                   key=lambda n: min(float(p["points"][n].get("motion_score", 0.0))
                                     for p in presets if n in (p.get("points") or {})))
    return _ENVIRONMENT.get_template("run.html.j2").render(
        run=run, style=Markup(STYLE), header=_header(presets, abstract), presets=views, point_names=names,
        kinds=KINDS, symbols=SYMBOLS, video_width=VIDEO_WIDTH)


def write_review_html(preset: str, facts: list[str], pairs: list[dict[str, Any]], root: Path,
                      target: Path) -> Path:
    """``reelgate review``'s page: one preset's pairs, built as the run page builds them."""
    run = {"root": str(root), "presets": [{"regression": {"pairs": pairs}}]}
    media = copy_media(run, target)
    anchor = "review-" + re.sub(r"[^a-z0-9]+", "-", preset.lower())
    views = [_pair(anchor, pair, str(root), media) for pair in pairs]
    write_text_atomic(target, _ENVIRONMENT.get_template("review.html.j2").render(
        preset=preset, facts=facts, pairs=views, style=Markup(STYLE), kinds=KINDS, symbols=SYMBOLS,
        video_width=VIDEO_WIDTH))
    return target


def _abstract(preset: dict[str, Any]) -> bool:
    """An abstract base (shared fields only) whose schema passed: not a preset of the run."""
    return bool(preset.get("abstract")) and "failed" not in (preset.get("items") or {}).values()


def _anchor(index: int, preset: dict[str, Any]) -> str:
    return f"preset-{index}-" + re.sub(r"[^a-z0-9]+", "-", str(preset.get("preset", "")).lower()).strip("-")


def _points(preset: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Sweep points in motion_score order (low, mid, mid-high for the usual sweep)."""
    points = preset.get("points") or {}
    return sorted(points.items(), key=lambda kv: (float(kv[1].get("motion_score", 0.0)), kv[0]))


def _word(outcome: str) -> str:
    return "XPASS" if outcome.lower() in XPASS else outcome


def _header(presets: list[dict[str, Any]], abstract: list[str]) -> dict[str, Any]:
    outcomes = Counter(_word(o) for preset in presets for o in (preset.get("items") or {}).values())
    verdicts = Counter(str(p.get("verdict")) for preset in presets for _, p in _points(preset))
    sources = sorted({str(p["source"]) for p in presets if p.get("source")})
    extra = [w for w in outcomes if w not in ("passed", "failed")]
    return {
        "status": "failed" if outcomes.get("failed") else "passed", "presets": len(presets),
        "item_counts": [(w, outcomes[w]) for w in ("passed", "failed", *sorted(extra))],
        "point_counts": [(w, verdicts[w]) for w in ("pass", "pass-with-edits", "fail")],
        "cost": _usd(sum(float(p.get("cost_usd") or 0.0) for p in presets)),
        "source": ", ".join(sources) or "-", "abstract": abstract,
    }


def _items(preset: dict[str, Any]) -> list[tuple[str, str]]:
    """Items in the order a preset is checked: schema, reference, sweep by motion_score, regression."""
    points = [name for name, _ in _points(preset)]

    def key(name: str) -> tuple[int, int, str]:
        point = name[len("sweep["):-1] if name.startswith("sweep[") else ""
        for rank, prefix in enumerate(_ITEM_ORDER):
            if name.startswith(prefix):
                return rank, points.index(point) if point in points else len(points), name
        return len(_ITEM_ORDER), 0, name

    return sorted((preset.get("items") or {}).items(), key=lambda kv: key(kv[0]))


def _pair_anchor(preset_anchor: str, point: str, repeat: int = 0) -> str:
    return f"{preset_anchor}-pair-" + re.sub(r"[^a-z0-9]+", "-", point.lower()) + f"-{repeat}"


def _preset(index: int, preset: dict[str, Any], root: str, media: Mapping[str, str]) -> dict[str, Any]:
    from reelgate.records.run_charts import preset_chart  # matplotlib: the run page only, not review's

    anchor = _anchor(index, preset)
    items = _items(preset)
    regression = preset.get("regression")
    pairs = [_pair(anchor, pair, root, media) for pair in (regression or {}).get("pairs") or []]
    paired = {pair["point"]: pair["anchor"] for pair in reversed(pairs)}
    has = dict(items)
    sweep: Any = [_point(name, point, root) for name, point in _points(preset)]
    if not sweep and any(name.startswith("sweep[") for name in has):
        sweep = "empty"
    return {
        "anchor": anchor, "name": preset.get("preset", "?"),
        "where": f"{preset.get('path', '?')}:{preset.get('line', 1)}",
        "source": preset.get("source") or "-", "cost": _usd(preset.get("cost_usd")),
        "failed": [name for name, outcome in items if outcome == "failed"],
        "passed_count": sum(o == "passed" for _, o in items),
        "verdicts": {n: str(p.get("verdict")) for n, p in (preset.get("points") or {}).items()},
        "checks": [_item(preset, name, outcome, paired) for name, outcome in items],
        "reference": _reference(preset.get("reference")) if "reference" in preset or "reference" in has
        else None,
        "sweep": sweep, "pairs": pairs,
        "regression": _regression(regression, paired) if "regression" in preset or "regression" in has
        else None,
        "chart": preset_chart((regression or {}).get("motion"), preset.get("points")),
    }


def _item(preset: dict[str, Any], name: str, outcome: str, paired: dict[str, str]) -> dict[str, Any]:
    point = name[len("sweep["):-1] if name.startswith("sweep[") else None
    verdict = str((preset.get("points") or {}).get(point, {}).get("verdict", "")) if point else ""
    xpass = outcome.lower() in XPASS
    text = str((preset.get("messages") or {}).get(name, "")).strip()
    first, _, rest = text.partition("\n")
    return {"name": name, "outcome": "xpass" if xpass else outcome, "shown": "XPASS" if xpass else None,
            "hint": "passed although marked xfail: the mark is stale, remove it" if xpass else "",
            "verdict": verdict if verdict and verdict != "pass" else "",
            "pair": paired.get(point or "") if verdict == "fail" else None,
            "message": {"first": first, "rest": rest}}


def _reference(reference: dict[str, Any] | None) -> dict[str, Any]:
    if not reference:
        return {"rows": None}
    violations = {str(v.get("measure")): v for v in reference.get("violations") or []}
    bounds = reference.get("bounds") or {}
    values = dict(reference.get("quality") or {})
    values.update(reference.get("measures") or {})
    for measure, violation in violations.items():
        values.setdefault(measure, violation.get("value"))
    rows = []
    for measure, value in values.items():
        bad = violations.get(measure)
        bound = (f"{bad.get('side')} {float(bad.get('bound', 0.0)):.4g}{bad.get('unit', '')}" if bad
                 else str(bounds.get(measure, "-")))
        rows.append({"measure": measure, "value": _number(value), "bound": bound, "bad": bool(bad)})
    facts = [str(reference.get("file", "?")), f"duration {_number(reference.get('duration'))} s",
             f"cuts {len(reference.get('cuts') or [])}",
             f"pacing variation {_number(reference.get('pacing_variation'))}"]
    return {"rows": rows, "violations": len(violations), "facts": facts}


def _usd(value: Any) -> str:
    return f"${float(value or 0.0):.2f}"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


def _point(name: str, point: dict[str, Any], root: str) -> dict[str, Any]:
    low, high = [*(point.get("interval") or []), 0.0, 0.0][:2]
    usable = (f"usable {point.get('usable', 0)}/{point.get('total', 0)} (needs {point.get('needed', '?')}), "
              f"rate {float(point.get('rate', 0.0)):.0%}, "
              f"95% interval {float(low):.0%}\u2013{float(high):.0%}, cost {_usd(point.get('cost_usd'))}")
    return {"name": name, "score": _number(point.get("motion_score")),
            "verdict": str(point.get("verdict", "?")),
            "usable": usable, "problems": point.get("problems") or [],
            "clips": [_clip(clip, root) for clip in point.get("clips") or []]}


def _clip(clip: dict[str, Any], root: str) -> dict[str, Any]:
    checks = [[c.get("name", ""), c.get("measured", ""), c.get("bound", ""), str(c.get("status", "?")),
               c.get("detail", "")] for c in clip.get("checks") or []]
    metrics = " \u00b7 ".join(f"{k} {_number(v)}" for k, v in (clip.get("metrics") or {}).items())
    alt = f"contact sheet of {clip.get('key', '?')}: frames in time order, faulty ones framed red"
    why = "the clip passed" if clip.get("verdict") == "pass" else "none was written"
    return {"key": clip.get("key", "?"), "verdict": str(clip.get("verdict", "?")), "checks": checks,
            "metrics": metrics, "sheet": _sheet(clip.get("sheet"), root, alt, f"No contact sheet: {why}.")}


def _under(root: str | Path, path: str) -> Path:
    return Path(path) if Path(path).is_absolute() else Path(root) / path


def _sheet(path: str | None, root: str, alt: str, none: str, times: str = "") -> dict[str, Any]:
    """The contact sheet as a data URI, or a visible note saying why there is none."""
    if not path:
        return {"src": None, "missing": False, "note": none}
    try:
        data = _under(root, path).read_bytes()
    except OSError as exc:
        return {"src": None, "missing": True,
                "note": f"contact sheet {path} cannot be read ({exc.strerror or exc})."}
    kind = next((mime for magic, mime in _IMAGES.items() if data.startswith(magic)), None)
    if kind is None:
        return {"src": None, "missing": True, "note": f"contact sheet {path} is not a PNG or JPEG image."}
    return {"src": f"data:{kind};base64," + base64.b64encode(data).decode("ascii"), "alt": alt,
            "times": times, "missing": False}


def _pair(preset_anchor: str, pair: dict[str, Any], root: str, media: Mapping[str, str]) -> dict[str, Any]:
    times = [float(t) for t in pair.get("times") or []]
    stamp = " ".join(f"{t:.3f}" for t in times)
    view = {"point": str(pair.get("point", "?")), "repeat": int(pair.get("repeat") or 0),
            "times": times, "times_shown": ", ".join(f"{t:.2f} s" for t in times),
            "problems": pair.get("problems") or []}
    view["anchor"] = _pair_anchor(preset_anchor, view["point"], view["repeat"])
    for label in ("approved", "now"):
        side = dict(pair.get(label) or {})
        sha = side.get("sha")
        alt = (f"{label} clip {str(sha)[:12]} of sweep[{view['point']}]: frames at the same times as the "
               f"other sheet, the ones at fault framed red with their kind")
        side["sheet_view"] = _sheet(side.get("sheet"), root, alt, "No sheet for this clip.", stamp)
        side["video"] = media.get(str(sha)) if sha else None
        side["video_note"] = "The clip is not beside this page, so it cannot play here."
        side.setdefault("verdict", None)
        side.setdefault("sha", None)
        view[label] = side
    return view


def _regression(regression: dict[str, Any] | None, paired: dict[str, str]) -> dict[str, Any]:
    if not regression:
        return {"kind": "none", "motion": None}
    lines = [str(line) for line in regression.get("lines") or []]
    view: dict[str, Any] = {"lines": lines, "motion": regression.get("motion") or None}
    if regression.get("unapproved"):
        return {**view, "kind": "unapproved"}
    if regression.get("approved"):
        return {**view, "kind": "approved", "changes": regression.get("changes") or []}
    if "rows" not in regression:
        return {**view, "kind": "broken"}
    headers = ["point", "metric", "approved", "now", "change", "tolerance"]
    rows = regression.get("rows") or []
    moved, kept = [], []
    for row in rows:
        shown = {"cells": [row.get(k, "") for k in headers], "worse": bool(row.get("worse")),
                 "pair": paired.get(str(row.get("point")))}
        still = row.get("change") in ("same", "+0", "-0") and not row.get("worse")
        (kept if still else moved).append(shown)
    version = regression.get("approved_version")
    return {**view, "kind": "compared", "headers": headers, "moved": moved, "kept": kept,
            "worse": sum(bool(r.get("worse")) for r in rows),
            "title": f"against approved v{version}" if version is not None
            else "against the approved version",
            "changed_layers": regression.get("changed_layers") or [], "drift": regression.get("drift") or []}
