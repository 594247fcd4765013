"""The run's HTML report (``--preset-html``): one self-contained page per run, a CI artifact.

Everything is inside the file: contact sheets as base64 data URIs, charts as inline SVG, the style
in a <style> element; no scripts, fonts or network. Every outcome is written as a word (and a
symbol) as well as a colour. All text from the run (preset names, messages) is escaped: it is
user input.
"""

from __future__ import annotations

import base64
import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

from reelgate.atomic import write_text_atomic
from reelgate.records.run_charts import preset_chart

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 76rem; color: #222;
       padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin: 0; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; } h4 { font-size: 0.95rem; margin: 0.8rem 0 0.2rem; }
section.preset { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin: 1.5rem 0; }
table { border-collapse: collapse; margin: 0.4rem 0; font-size: 0.88rem; }
th, td { padding: 0.2rem 0.55rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td:first-child { white-space: nowrap; }
.meta, .note { color: #555; margin: 0.2rem 0; font-size: 0.9rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-weight: 600;
         white-space: nowrap; border: 1px solid; }
.ok { background: #e6f4ea; color: #1e6b30; border-color: #1e6b30; }
.warn { background: #fff4e0; color: #8a5300; border-color: #8a5300; }
.bad { background: #fde7e6; color: #b3261e; border-color: #b3261e; }
.muted { background: #f1f1f1; color: #555; border-color: #888; }
pre { background: #f7f7f7; padding: 0.5rem; overflow-x: auto; font-size: 0.8rem; margin: 0.3rem 0; }
details summary { cursor: pointer; }
figure { margin: 0.5rem 0; } figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.8rem; color: #555; } svg { max-width: 100%; height: auto; }
"""
_CLASS = {
    "pass": "ok", "passed": "ok", "ok": "ok", "approved": "ok",
    "pass-with-edits": "warn", "warn": "warn", "not approved yet": "warn",
    "fail": "bad", "failed": "bad", "error": "bad", "worse": "bad", "missing": "bad",
}
_SYMBOL = {"ok": "\u2713", "warn": "!", "bad": "\u2717", "muted": "\u2013"}
_ITEM_ORDER = ("schema", "reference", "sweep[", "regression")
_PNG = b"\x89PNG\r\n\x1a\n"


def write_run_html(run: dict[str, Any], target: Path) -> Path:
    """Write the run's page to ``target`` whole (a reader never sees half of it); returns ``target``."""
    write_text_atomic(target, render_run_html(run))
    return target


def render_run_html(run: dict[str, Any]) -> str:
    """The page as text: the same run gives the same bytes."""
    presets = run.get("presets") or []
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>reelgate run</title><style>{_STYLE}</style></head><body>",
        "<h1>reelgate run</h1>",
        _header(run, presets),
        _overview(presets),
        *(_preset(index, preset, str(run.get("root") or ".")) for index, preset in enumerate(presets)),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _e(value: object) -> str:
    return html.escape(str(value))


def badge(word: str, shown: str | None = None) -> str:
    """A status as colour, symbol and word, so it reads without colour too."""
    kind = _CLASS.get(word.lower(), "muted")
    return f'<span class="badge {kind}">{_SYMBOL[kind]} {_e(shown or word)}</span>'


def _table(headers: list[str] | None, rows: list[list[str]]) -> str:
    """``rows`` hold HTML already escaped; headers are escaped here."""
    head = "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>" if headers else ""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _anchor(index: int, preset: dict[str, Any]) -> str:
    return f"preset-{index}-" + re.sub(r"[^a-z0-9]+", "-", str(preset.get("preset", "")).lower()).strip("-")


def _points(preset: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Sweep points in motion_score order (low, mid, mid-high for the usual sweep)."""
    points = preset.get("points") or {}
    return sorted(points.items(), key=lambda kv: (float(kv[1].get("motion_score", 0.0)), kv[0]))


def _verdicts(presets: list[dict[str, Any]]) -> Counter[str]:
    return Counter(str(p.get("verdict")) for preset in presets for _, p in _points(preset))


def _counts(counts: Counter[str], words: tuple[str, ...]) -> str:
    """"3 passed 1 failed" as badges; a zero count is grey, so only what happened stands out."""
    return " ".join(badge(word if counts[word] else "none", f"{counts[word]} {word}") for word in words)


def _header(run: dict[str, Any], presets: list[dict[str, Any]]) -> str:
    outcomes = Counter(o for preset in presets for o in (preset.get("items") or {}).values())
    verdicts = _verdicts(presets)
    cost = sum(float(p.get("cost_usd") or 0.0) for p in presets)
    sources = sorted({str(p["source"]) for p in presets if p.get("source")})
    status = "failed" if outcomes.get("failed") else "passed"
    rows = [
        ["run", badge(status)],
        ["presets", _e(len(presets))],
        ["items", _counts(outcomes, ("passed", "failed", *(w for w in ("skipped", "xfail") if outcomes[w])))],
        ["sweep points", _counts(verdicts, ("pass", "pass-with-edits", "fail"))],
        ["cost", _e(_usd(cost))],
        ["source", _e(", ".join(sources) or "-")],
    ]
    meta = f'<p class="meta">generated {_e(run.get("generated_at", "?"))} in {_e(run.get("root", "?"))}</p>'
    return meta + "\n" + _table(None, rows)


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


def _overview(presets: list[dict[str, Any]]) -> str:
    if not presets:
        return '<p class="note">No preset items ran.</p>'
    names = sorted({name for preset in presets for name, _ in _points(preset)},
                   key=lambda n: min(float(p["points"][n].get("motion_score", 0.0))
                                     for p in presets if n in (p.get("points") or {})))
    rows = []
    for index, preset in enumerate(presets):
        items = _items(preset)
        failed = [name for name, outcome in items if outcome == "failed"]
        checks = badge("failed", "failed: " + ", ".join(failed)) if failed else badge(
            "passed", f"{sum(o == 'passed' for _, o in items)}/{len(items)} passed")
        points = preset.get("points") or {}
        cells = [badge(str(points[n].get("verdict"))) if n in points else "-" for n in names]
        rows.append([f'<a href="#{_anchor(index, preset)}">{_e(preset.get("preset", "?"))}</a>', checks,
                     *cells, _e(_usd(preset.get("cost_usd"))),
                     _e(preset.get("source") or "-")])
    return "<h2>Presets</h2>" + _table(["preset", "checks", *names, "cost", "source"], rows)


def _preset(index: int, preset: dict[str, Any], root: str) -> str:
    where = f"{preset.get('path', '?')}:{preset.get('line', 1)}"
    parts = [
        f'<section class="preset" id="{_anchor(index, preset)}">',
        f"<h2>{_e(preset.get('preset', '?'))}</h2>",
        '<p class="meta">' + " &middot; ".join(_e(fact) for fact in (
            where, f"source {preset.get('source') or '-'}", f"cost {_usd(preset.get('cost_usd'))}",
        )) + "</p>",
        _checks(preset),
    ]
    items = preset.get("items") or {}
    if "reference" in preset or "reference" in items:
        parts.append(_reference(preset.get("reference")))
    if preset.get("points"):
        parts.append(_sweep(preset, root))
    elif any(name.startswith("sweep[") for name in items):
        parts.append('<h3>Sweep</h3><p class="note">No sweep data recorded (see the checks above).</p>')
    if "regression" in preset or "regression" in items:
        parts.append(_regression(preset.get("regression")))
    chart = preset_chart((preset.get("regression") or {}).get("motion"), preset.get("points"))
    if chart:
        parts.append(f'<h3>Motion and usable rate</h3><figure class="chart">{chart}</figure>')
    parts.append("</section>")
    return "\n".join(parts)


def _checks(preset: dict[str, Any]) -> str:
    messages = preset.get("messages") or {}
    points = preset.get("points") or {}
    rows = []
    for name, outcome in _items(preset):
        point = name[len("sweep["):-1] if name.startswith("sweep[") else None
        verdict = str(points.get(point, {}).get("verdict", "")) if point else ""
        shown = badge(outcome) + (f" {badge(verdict)}" if verdict and verdict != "pass" else "")
        rows.append([_e(name), shown, _message(messages.get(name, ""))])
    if not rows:
        return '<p class="note">No checks ran.</p>'
    return "<h3>Checks</h3>" + _table(["item", "outcome", "message"], rows)


def _message(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    first, _, rest = text.partition("\n")
    if not rest:
        return _e(first)
    return f"<details><summary>{_e(first)}</summary><pre>{_e(rest)}</pre></details>"


def _reference(reference: dict[str, Any] | None) -> str:
    if not reference:
        return '<h3>Reference gate</h3><p class="note">No measures recorded (see the reference check).</p>'
    violations = {str(v.get("measure")): v for v in reference.get("violations") or []}
    quality = dict(reference.get("quality") or {})
    for measure, violation in violations.items():
        quality.setdefault(measure, violation.get("value"))
    rows = []
    for measure, value in quality.items():
        bad = violations.get(measure)
        if bad:
            bound = f"{bad.get('side')} {float(bad.get('bound', 0.0)):.4g}{bad.get('unit', '')}"
            rows.append([_e(measure), _e(_number(value)), _e(bound), badge("fail", "out of bounds")])
        else:
            rows.append([_e(measure), _e(_number(value)), "", badge("pass", "within bounds")])
    cuts = reference.get("cuts") or []
    facts = " &middot; ".join(_e(fact) for fact in (
        reference.get("file", "?"), f"duration {_number(reference.get('duration'))} s", f"cuts {len(cuts)}",
        f"pacing variation {_number(reference.get('pacing_variation'))}"))
    verdict = badge("fail", f"{len(violations)} out of bounds") if violations else badge("pass")
    return (f'<h3>Reference gate {verdict}</h3><p class="meta">{facts}</p>'
            + _table(["measure", "value", "bound", "result"], rows))


def _usd(value: Any) -> str:
    return f"${float(value or 0.0):.2f}"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


def _sweep(preset: dict[str, Any], root: str) -> str:
    parts = ["<h3>Sweep</h3>"]
    for name, point in _points(preset):
        low, high = [*(point.get("interval") or []), 0.0, 0.0][:2]
        usable = (f"usable {point.get('usable', 0)}/{point.get('total', 0)} "
                  f"(needs {point.get('needed', '?')}), rate {float(point.get('rate', 0.0)):.0%}, "
                  f"95% interval {float(low):.0%}\u2013{float(high):.0%}, cost {_usd(point.get('cost_usd'))}")
        parts.append(f"<h4>sweep[{_e(name)}] &middot; motion_score {_e(_number(point.get('motion_score')))} "
                     f"{badge(str(point.get('verdict', '?')))}</h4><p class=\"meta\">{_e(usable)}</p>")
        problems = point.get("problems") or []
        if problems:
            parts.append("<ul>" + "".join(f"<li>{_e(p)}</li>" for p in problems) + "</ul>")
        for clip in point.get("clips") or []:
            parts.append(_clip(clip, root))
        if not point.get("clips"):
            parts.append('<p class="note">No clip was scored at this point.</p>')
    return "\n".join(parts)


def _clip(clip: dict[str, Any], root: str) -> str:
    rows = [[_e(c.get("name", "")), _e(c.get("measured", "")), _e(c.get("bound", "")),
             badge(str(c.get("status", "?"))), _e(c.get("detail", ""))] for c in clip.get("checks") or []]
    metrics = " \u00b7 ".join(f"{k} {_number(v)}" for k, v in (clip.get("metrics") or {}).items())
    return "\n".join([
        f'<p class="meta">clip {_e(clip.get("key", "?"))} {badge(str(clip.get("verdict", "?")))}</p>',
        _table(["rubric check", "measured", "bound", "result", "detail"], rows) if rows else "",
        f'<p class="note">metrics: {_e(metrics)}</p>' if metrics else "",
        _sheet(clip, root),
    ])


def _sheet(clip: dict[str, Any], root: str) -> str:
    """The contact sheet inline, or a visible note saying why there is none."""
    path = clip.get("sheet")
    if not path:
        why = "the clip passed" if clip.get("verdict") == "pass" else "none was written"
        return f'<p class="note">No contact sheet: {_e(why)}.</p>'
    file = Path(path) if Path(path).is_absolute() else Path(root) / path
    try:
        data = file.read_bytes()
    except OSError as exc:
        return f'<p class="note">{badge("missing")} contact sheet {_e(path)} cannot be read ' \
               f"({_e(exc.strerror or exc)}).</p>"
    if not data.startswith(_PNG):
        return f'<p class="note">{badge("missing")} contact sheet {_e(path)} is not a PNG.</p>'
    source = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    alt = f"contact sheet of {clip.get('key', '?')}: frames in time order, faulty ones framed red"
    return (f'<figure class="sheet"><img src="{source}" alt="{_e(alt)}">'
            f"<figcaption>{_e(alt)}</figcaption></figure>")


def _comparison(rows: list[dict[str, Any]]) -> str:
    """What moved, in full; the metrics that did not move folded away (most of them, usually)."""
    headers = ["point", "metric", "approved", "now", "change", "tolerance", "result"]
    cells = [[_e(r.get(k, "")) for k in headers[:-1]] + [badge("worse") if r.get("worse") else badge("ok")]
             for r in rows]
    still = [r.get("change") in ("same", "+0", "-0") and not r.get("worse") for r in rows]
    moved = [row for row, same in zip(cells, still, strict=True) if not same]
    kept = [row for row, same in zip(cells, still, strict=True) if same]
    parts = [_table(headers, moved) if moved else '<p class="note">No metric moved.</p>']
    if kept:
        parts.append(f"<details><summary>{len(kept)} unchanged</summary>{_table(headers, kept)}</details>")
    return "\n".join(parts)


def _regression(regression: dict[str, Any] | None) -> str:
    if not regression:
        return '<h3>Regression</h3><p class="note">No comparison recorded (see the regression check).</p>'
    parts = []
    lines = [str(line) for line in regression.get("lines") or []]
    if regression.get("unapproved"):
        parts.append(f"<h3>Regression {badge('not approved yet')}</h3>")
        parts += [f'<p class="note">{_e(line)}</p>' for line in lines]
    elif regression.get("approved"):
        parts.append(f"<h3>Regression {badge('approved', 'approved in this run')}</h3>")
        changes = regression.get("changes") or []
        parts.append("<ul>" + "".join(f"<li>{_e(c)}</li>" for c in changes) + "</ul>" if changes
                     else '<p class="note">No change against the previous approved version.</p>')
    elif "rows" in regression:
        rows = regression.get("rows") or []
        worse = [r for r in rows if r.get("worse")]
        version = regression.get("approved_version")
        title = f"against approved v{version}" if version is not None else "against the approved version"
        verdict = badge("worse", f"{len(worse)} worse") if worse else badge("ok", "no worse")
        parts.append(f"<h3>Regression {_e(title)} {verdict}</h3>")
        if regression.get("changed_layers"):
            parts.append(f'<p class="meta">changed: {_e(", ".join(regression["changed_layers"]))}</p>')
        if regression.get("drift"):
            parts.append(f'<p class="meta">provider drift at: {_e(", ".join(regression["drift"]))}</p>')
        parts.append(_comparison(rows))
    else:
        parts.append(f"<h3>Regression {badge('failed', 'no comparison')}</h3>")
        parts.append(f"<pre>{_e(chr(10).join(lines))}</pre>")
    motion = regression.get("motion")
    if motion:
        ok = bool(motion.get("ok"))
        shown = badge("ok", "motion responds") if ok else badge("fail", "motion does not respond")
        parts.append(f"<p>{shown} {_e(motion.get('message', ''))}</p>")
    return "\n".join(parts)
