"""Small hand-made run dicts in the shape of ``RunSummary.run_data()``, and the page read back as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from PIL import Image

RUBRIC = [
    ("temporal continuity", "0.910", ">= 0.85", "pass", ""),
    ("cuts", "0", "0", "pass", ""),
    ("glitches", "0", "<= 0", "pass", ""),
    ("subject integrity", "0.780", ">= 0.75", "warn", "within 0.05 of the bound"),
    ("camera intent", "slow push-in", "slow push-in", "pass", ""),
]


def sheet_png(path: Path, colour: tuple[int, int, int] = (255, 0, 255), size: tuple[int, int] = (320, 60)) -> Path:
    """A contact sheet stand-in: one flat colour, easy to find again in a screenshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def clip(key: str, verdict: str, sheet: str | None, rubric: list[tuple[str, str, str, str, str]] = RUBRIC) -> dict[str, Any]:
    return {
        "key": key, "verdict": verdict, "sheet": sheet, "clip": f"/media/{key.replace('/', '-')}.mp4",
        "metrics": {"continuity": 0.91, "subject": 0.78, "camera_match": 1.0, "motion": 0.12},
        "checks": [{"name": n, "measured": m, "bound": b, "status": s, "detail": d} for n, m, b, s, d in rubric],
    }


def point(name: str, score: float, verdict: str, clips: list[dict[str, Any]], rate: float = 1.0) -> dict[str, Any]:
    usable = sum(c["verdict"] != "fail" for c in clips)
    return {
        "preset": "p", "point": name, "motion_score": score, "verdict": verdict, "usable": usable,
        "total": len(clips), "needed": 1, "rate": rate, "interval": [0.2065, 1.0] if rate else [0.0, 0.7935],
        "cost_usd": 0.35, "problems": [], "clips": clips,
    }


def preset(name: str, sheet: str | None = None, **extra: Any) -> dict[str, Any]:
    """A preset whose every check ran: mid is pass-with-edits (with ``sheet``), mid-high fails."""
    fail_rubric = [("temporal continuity", "0.400", ">= 0.85", "fail", "flash at 0.33 s"), *RUBRIC[1:3]]
    data: dict[str, Any] = {
        "preset": name, "path": f"presets/ad/{name}.yaml", "line": 1,
        "items": {"schema": "passed", "sweep[low]": "passed", "sweep[mid]": "passed",
                  "sweep[mid-high]": "failed", "regression": "failed"},
        "messages": {"sweep[mid-high]": f"{name} sweep[mid-high] (motion_score 6): fail\nmore detail",
                     "regression": f"{name} is not approved yet; approve it with: pytest --preset-approve"},
        "cost_usd": 1.05, "source": "replayed",
        "points": {
            "mid": point("mid", 4.0, "pass-with-edits", [clip(f"{name}/mid", "pass-with-edits", sheet)]),
            "low": point("low", 2.0, "pass", [clip(f"{name}/low", "pass", None)]),
            "mid-high": point("mid-high", 6.0, "fail", [clip(f"{name}/mid-high", "fail", None, fail_rubric)], 0.0),
        },
        "regression": {
            "preset": name, "lines": [f"{name} is not approved yet; approve it with: pytest --preset-approve"],
            "motion": {"ok": True, "points": [["low", 2.0, 0.05], ["mid", 4.0, 0.12], ["mid-high", 6.0, 0.3]],
                       "message": "motion rises with motion_score: low (score 2): 0.050"},
            "unapproved": True,
        },
    }
    data.update(extra)
    return data


def run(*presets: dict[str, Any]) -> dict[str, Any]:
    return {"generated_at": "2026-01-02T03:04:05Z", "root": "/repo", "presets": list(presets)}


class Page(HTMLParser):
    """The parsed page: its elements (tag, attributes) and its text as a reader sees it."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(text)
        self.text = re.sub(r"\s+", " ", " ".join(self.chunks))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def rows(text: str) -> list[str]:
    """Each table row's text, cells joined by ' | '."""
    rows = re.findall(r"<tr>(.*?)</tr>", text, flags=re.S)
    return [" | ".join(Page(cell).text.strip() for cell in re.findall(r"<t[dh]>(.*?)</t[dh]>", row, re.S))
            for row in rows]
