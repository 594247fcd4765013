"""Analyses that travel with the media: ``cassettes/media/<sha256>.analysis.json``.

A clip's analysis is a pure function of its bytes and of the analyzer, so it is committed beside
the clip: a fresh clone replays without decoding anything. One file per clip (a recorded render or
a local reference video), reviewable JSON, holding what the run would otherwise decode the clip
for: the output contract's probe, the analysis, and a multi-shot clip's shots, each analysed
alone (keyed ``<first>-<end>`` frame). It is keyed by the analyzer identity
(``reelgate.analysis.ANALYZER_VERSION``): a file of another identity is ignored and the clip
analysed again, and the file is rewritten only when the run records, approves or is asked to
(``--preset-reanalyze``), so a plain replay never changes a committed file it cannot use; a clip
analysed for the first time has its file written by any run.

The analysis stage never learns where clips come from: this module, in the run's core, is the
only one that knows the cassettes' media folder holds analyses.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from reelgate.analysis import ANALYZER_VERSION
from reelgate.analysis.model import ClipAnalysis
from reelgate.atomic import write_text_atomic
from reelgate.cassettes.format import ANALYSIS_SUFFIX as SUFFIX
from reelgate.render.contract import ClipProbe

# Bump on any change a reader of the previous version would misread; an older file is then
# analysed again and rewritten under --preset-reanalyze, like one of another analyzer.
TRAVEL_FORMAT = 1


class ClipFacts(BaseModel):
    """What a run needs to know of one clip without decoding it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = TRAVEL_FORMAT
    analyzer: str  # the analyzer identity every analysis here was made by
    sha256: str
    size: int  # bytes: with the hash, the clip these facts are of
    probe: ClipProbe | None = None  # the output contract's reading of the container
    analysis: ClipAnalysis | None = None  # ``file`` is the clip's name, not a machine's path
    shots: dict[str, ClipAnalysis] = {}  # "<first>-<end>" frame window -> that shot alone
    # (shot, shot compared with, appearance distance) of each later shot against shot 1's, by
    # the verdict stage's ``same_subject`` (measured on the split shots' pixels); None: not known
    subject_shifts: list[tuple[int, int, float]] | None = None

    def dump(self) -> str:
        return self.model_dump_json(indent=1, exclude_defaults=False) + "\n"


def shot_key(first: int, end: int) -> str:
    return f"{first}-{end}"


class TravelStore:
    """The committed facts of clips, read once per process; ``refresh``: files of another
    analyzer (or format) may be overwritten; ``reanalyze``: nothing stored is read at all."""

    def __init__(self, media_dir: Path, *, refresh: bool = False, reanalyze: bool = False) -> None:
        self.directory = media_dir
        self.refresh = refresh or reanalyze
        self.reanalyze = reanalyze
        self._facts: dict[str, ClipFacts | None] = {}
        self._foreign: set[str] = set()  # files that exist but are of another analyzer or broken
        self._lock = threading.Lock()  # the render loop asks ``vouches`` from its own thread

    def path_for(self, sha256: str) -> Path:
        return self.directory / f"{sha256}{SUFFIX}"

    def get(self, sha256: str) -> ClipFacts | None:
        """The stored facts of a clip when made by this analyzer, else None."""
        with self._lock:
            if sha256 not in self._facts:
                self._facts[sha256] = None if self.reanalyze else self._read(sha256)
            return self._facts[sha256]

    def _read(self, sha256: str) -> ClipFacts | None:
        path = self.path_for(sha256)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            self._foreign.add(sha256)
            return None
        try:
            facts = ClipFacts.model_validate_json(text)
        except (ValidationError, ValueError):  # another format, a hand edit: analysed again
            self._foreign.add(sha256)
            return None
        if facts.analyzer != ANALYZER_VERSION or facts.sha256 != sha256:
            self._foreign.add(sha256)
            return None
        return facts

    def vouches(self, sha256: str, size: int) -> bool:
        """Whether these bytes were stored and analysed whole before (so need no decode check)."""
        facts = self.get(sha256)
        return facts is not None and facts.size == size and facts.analysis is not None

    def carries(self, sha256: str) -> bool:
        """Whether the clip is committed media (a recording's), so its facts travel with it."""
        return any(p.name != f"{sha256}{SUFFIX}" for p in self.directory.glob(f"{sha256}.*"))

    def add(self, sha256: str, size: int, **update: Any) -> None:
        """Store more of a clip's facts (probe, analysis, shots merge into what is there)."""
        with self._lock:
            known = self._facts.get(sha256)
            if known is None and sha256 in self._foreign and not self.refresh:
                return  # a committed file this run cannot use: left as it is (see the module)
            if known is None or known.size != size:
                known = ClipFacts(analyzer=ANALYZER_VERSION, sha256=sha256, size=size)
            fields: dict[str, Any] = {}
            for name, value in update.items():
                if name == "analysis" and value is not None:
                    value = _portable(value, sha256)
                if name == "shots":
                    value = {**known.shots, **{k: _portable(a, k) for k, a in value.items()}}
                fields[name] = value
            facts = known.model_copy(update=fields)
            if facts == known and self.path_for(sha256).is_file():
                return
            self._facts[sha256] = facts
            self._foreign.discard(sha256)
            write_text_atomic(self.path_for(sha256), facts.dump())

    def foreign(self) -> int:
        """How many stored files this run could not use (another analyzer, format or a damaged
        file) and left unchanged: each clip was analysed again."""
        return len(self._foreign)


def _portable(analysis: ClipAnalysis, name: str) -> ClipAnalysis:
    """The analysis as committed: named by the clip, not by where this machine keeps it."""
    return analysis.model_copy(update={"file": name})
