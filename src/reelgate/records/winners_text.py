"""The winners view as sections (terminal table, Markdown, HTML) and as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from reelgate.records.render_text import Section, layout_markdown, layout_table, percent, short_id, span, usd
from reelgate.records.winners import Group, ScenarioWinners, Sourced, Winners, best_groups
from reelgate.records.winning import MIN_POINT_RENDERS, MIN_RANGE_POINTS, WinningRange

RULE = (f"Rule: the motion score with the highest 95% Wilson lower bound (scores with {MIN_POINT_RENDERS}+ "
        "renders), widened to each neighbour whose interval still overlaps it; proposed when it spans "
        f"{MIN_RANGE_POINTS}+ scores and its pooled lower bound clears the required usable rate "
        "(the retire floor, or min_usable when that is a share).")
_FIGURES = ("renders", "usable rate", "95% CI", "cost / usable")


def score(value: float) -> str:
    return f"{value:g}"


def scores(values: tuple[float, ...] | list[float]) -> str:
    return "[" + ", ".join(score(v) for v in values) + "]"


def cost(figures: Sourced) -> str:
    """Cost per usable clip from live spend only; what else the renders were, said as such."""
    t = figures.tally
    kinds = ((figures.simulated, "simulated"), (figures.replayed, "replayed"))
    free = [f"{n} {kind}" for n, kind in kinds if n]
    if not t.live_renders:
        return f"no spend ({', '.join(free)})" if free else "n/a"
    spent = f"no usable live clip ({usd(t.live_spend_usd)} spent)"
    text = usd(t.cost_per_usable_usd) if t.live_usable else spent
    return f"{text} (live only; {', '.join(free)} free)" if free else text


def _figures(figures: Sourced) -> tuple[str, ...]:
    t = figures.tally
    return (str(t.renders), percent(t.usable_rate), span(figures.interval), cost(figures))


def camera_label(key: str, winners: ScenarioWinners) -> str:
    """A camera as the ledger has it, with its template name or words from scenarios.yaml."""
    templates = winners.scope.templates if winners.scope else {}
    if key in templates:
        return f"{key} ({templates[key]})"
    named = [name for name, words in templates.items() if words == key]
    label = key or "(none)"
    return f"{label} ({named[0]})" if named else label


def reference_label(group: Group) -> str:
    key = group.key
    if key is None:
        return "(no reference)"
    return f"{short_id(key)} [{', '.join(group.presets)}]"


def _groups(title: str, label: str, groups: list[Group], name: Any) -> Section:
    best = best_groups(groups)
    rows = [(("* " if any(g is b for b in best) else "  ") + name(g), *_figures(g.figures)) for g in groups]
    note = "* best usable rate (highest 95% lower bound; ties are all marked)." if best else (
        f"None has {MIN_POINT_RENDERS} renders yet: no best.")
    return Section(title, (label, *_FIGURES), rows, note=note)


def range_lines(item: ScenarioWinners) -> list[str]:
    found = item.found
    if not isinstance(found, WinningRange):
        return [f"Not enough data: {found.reason}."]
    lines = [f"Best range: motion {score(found.low)}-{score(found.high)}, usable {percent(found.rate)} "
             f"(95% CI {span(found.interval)}) over {found.renders} renders; best point motion "
             f"{score(found.best.motion_score)} ({found.best.usable}/{found.best.renders}); "
             f"cost / usable {cost(item.in_range())}."]
    proposal = item.proposal
    if proposal is None:
        why = found.reason or "the range is too narrow for three rising sweep scores"
        return [*lines, f"No proposal: {why}."]
    (low, high), sweep = proposal
    scope = item.scope
    now = (f" (now motion_range {scores(list(scope.motion_range))}, sweep {scores(list(scope.sweep))})"
           if scope else " (scenario not in scenarios.yaml)")
    lines.append(f"Propose: motion_range {scores([low, high])}, sweep {scores(list(sweep))}{now}.")
    if item.outside:
        beyond = ", ".join(f"{p} ({', '.join(score(s) for s in found)})" for p, found in item.outside)
        lines.append(f"Presets with renders outside it (re-check them after --write): {beyond}.")
    return lines


def scenario_sections(item: ScenarioWinners) -> list[Section]:
    head = f"Scenario {item.scenario}: usable rate by motion_score (required {percent(item.required_rate)})"
    motion = Section(head, ("motion", *_FIGURES), [(score(g.key), *_figures(g.figures)) for g in item.points],
                     note="\n".join(range_lines(item)))
    out = [motion]
    if item.presets or item.presets_without_range:
        rows = [(p.preset_id, f"{score(p.found.low)}-{score(p.found.high)}", str(p.found.renders),
                 percent(p.found.rate), span(p.found.interval), "yes" if p.found.proposed else "no")
                for p in item.presets]
        note = (f"{item.presets_without_range} preset(s) have too few renders for a range of their own."
                if item.presets_without_range else "")
        out.append(Section(f"Scenario {item.scenario}: best range per preset",
                           ("preset", "motion", "renders", "usable rate", "95% CI", "clears"), rows,
                           note=note))
    out.append(_groups(f"Scenario {item.scenario}: camera", "camera", item.cameras,
                       lambda g: camera_label(g.key, item)))
    out.append(_groups(f"Scenario {item.scenario}: reference", "reference [presets]", item.references,
                       reference_label))
    return out


def _day(moment: datetime | None) -> str:
    return "the start" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def winners_headline(winners: Winners) -> list[str]:
    lines = [f"Ledger: {winners.ledger}",
             f"Period: {_day(winners.period_start)} to {_day(winners.period_end)}",
             f"Scenarios file: {winners.scenarios_file or 'not found (no current ranges or template names)'}",
             RULE]
    return lines


def winners_emptiness(winners: Winners) -> str | None:
    if winners.empty_ledger:
        return f"The ledger at {winners.ledger} is empty: no renders have been recorded yet."
    if not winners.scenarios:
        return "No renders in the ledger match this period and selection."
    return None


def winners_sections(winners: Winners) -> list[Section]:
    return [section for item in winners.scenarios for section in scenario_sections(item)]


def render_winners(winners: Winners, output_format: str) -> str:
    lines = winners_headline(winners)
    empty = winners_emptiness(winners)
    if output_format == "json":
        return json.dumps(winners_dict(winners), indent=2, ensure_ascii=False) + "\n"
    layout = layout_table
    if output_format == "markdown":
        lines, layout = ["# reelgate winners", ""] + [f"- {line}" for line in lines], layout_markdown
    return "\n".join([*lines, "", empty]) + "\n" if empty else layout(lines, winners_sections(winners))


def _group_dict(group: Group, label: str) -> dict[str, Any]:
    t = group.figures.tally
    return {"key": group.key, "label": label, **t.as_dict(), "simulated": group.figures.simulated,
            "replayed": group.figures.replayed, "interval": list(group.figures.interval)}


def _scenario_dict(item: ScenarioWinners) -> dict[str, Any]:
    found = item.found
    proposal = item.proposal
    best_cameras, best_references = best_groups(item.cameras), best_groups(item.references)
    return {
        "scenario": item.scenario,
        "required_rate": item.required_rate,
        "points": [_group_dict(g, score(g.key)) for g in item.points],
        "range": None if not isinstance(found, WinningRange) else {
            "low": found.low, "high": found.high, "renders": found.renders, "usable": found.usable,
            "usable_rate": found.rate, "interval": list(found.interval), "best": found.best.motion_score,
            "proposed": found.proposed, "reason": found.reason,
        },
        "not_enough_data": None if isinstance(found, WinningRange) else found.reason,
        "proposal": None if proposal is None else {"motion_range": list(proposal[0]),
                                                   "sweep": list(proposal[1])},
        "current": None if item.scope is None else {"motion_range": list(item.scope.motion_range),
                                                    "sweep": list(item.scope.sweep)},
        "outside": [{"preset": p, "motion_scores": list(s)} for p, s in item.outside],
        "cameras": [_group_dict(g, camera_label(g.key, item)) for g in item.cameras],
        "best_cameras": [g.key for g in best_cameras],
        "references": [{**_group_dict(g, reference_label(g)), "presets": list(g.presets)}
                       for g in item.references],
        "best_references": [g.key for g in best_references],
        "presets": [{"preset": p.preset_id, "low": p.found.low, "high": p.found.high,
                     "renders": p.found.renders, "usable_rate": p.found.rate,
                     "interval": list(p.found.interval), "clears": p.found.proposed} for p in item.presets],
    }


def winners_dict(winners: Winners) -> dict[str, Any]:
    return {
        "ledger": winners.ledger,
        "period": {"start": winners.period_start.isoformat() if winners.period_start else None,
                   "end": winners.period_end.isoformat()},
        "scenarios_file": winners.scenarios_file,
        "rule": RULE,
        "message": winners_emptiness(winners),
        "scenarios": [_scenario_dict(item) for item in winners.scenarios],
    }
