"""Clip analysis for a run: the facts that travel with the media first, then the local cache.

A clip is analysed (decoded) only when neither the committed facts of this analyzer
(``reelgate.run.travel``) nor ``.reelgate/cache`` hold it; ``--preset-reanalyze`` reads
neither and analyses every clip again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reelgate.analysis import AnalysisSettings
    from reelgate.analysis.model import ClipAnalysis
    from reelgate.run.travel import TravelStore

_LOCAL = Path(".reelgate")  # what a run writes for itself: never committed, so nothing travels


class Analyzer:
    """``offline``: an https reference not downloaded yet is an error, not a download."""

    def __init__(self, root: Path, offline: bool, travel: TravelStore | None = None,
                 reanalyze: bool = False) -> None:
        from reelgate.analysis.cache import AnalysisCache

        self.root = root
        self.offline = offline
        self.cache = AnalysisCache(root)
        self.travel = travel
        self.reanalyze = reanalyze
        self._identity: dict[str, tuple[str, int]] = {}

    def analyze(self, path: str) -> ClipAnalysis:
        """Analyse a local clip, or an https reference (fetched once, then from the cache)."""
        from reelgate.analysis import analyze_clip

        if path.startswith("https://"):
            from reelgate.analysis.fetch import fetch_reference

            local = fetch_reference(path, self.root, offline=self.offline)
            return analyze_clip(local, root=self.root, cache=self.cache)
        identity = self.identify(path)
        travel = self.travel
        if identity is not None and travel is not None:
            facts = travel.get(identity[0])
            if facts is not None and facts.analysis is not None:
                return facts.analysis.model_copy(update={"file": path})
        if self.reanalyze:
            analysis = analyze_clip(path, root=self.root)
            self.cache.put(analysis, _default_settings())
        else:
            analysis = analyze_clip(path, root=self.root, cache=self.cache)
        if identity is not None and travel is not None and self.travels(path, analysis.sha256):
            travel.add(analysis.sha256, identity[1], analysis=analysis)
        return analysis

    def known(self, path: str, sha256: str, size: int) -> None:
        """A clip the media store hashed as it wrote it: its identity, not read again."""
        self._identity[path] = (sha256, size)

    def identify(self, path: str) -> tuple[str, int] | None:
        """(sha256, size) of a local clip, hashed once per run; None if it cannot be read (the
        analysis then says why, in its words)."""
        if path not in self._identity:
            from reelgate.media import file_digest

            try:
                self._identity[path] = file_digest(Path(path) if Path(path).is_absolute()
                                                   else self.root / path)
            except OSError:
                return None
        return self._identity[path]

    def travels(self, path: str, sha256: str) -> bool:
        """A recording's clip (its bytes are committed media) or a file of the project, such as a
        reference video; not a clip only this machine has (a live render nobody records, a shot
        cut from a clip, a downloaded reference)."""
        assert self.travel is not None
        if self.travel.carries(sha256):
            return True
        file = (Path(path) if Path(path).is_absolute() else self.root / path).resolve()
        root = self.root.resolve()
        return file.is_relative_to(root) and not file.is_relative_to(root / _LOCAL)


def _default_settings() -> AnalysisSettings:
    from reelgate.analysis import AnalysisSettings

    return AnalysisSettings()
