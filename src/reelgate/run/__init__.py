"""The run's orchestration without pytest: the render hub, verdicts, approval and ledger rows.

``RunConfig`` is everything a run was asked for (options and ini, read once by the plugin);
``Run`` holds the run's parts, each made on first use. ``reelgate.collect`` maps pytest items
onto calls of these; nothing here imports pytest, so the core can be driven and tested alone.
"""

from reelgate.run.config import RunConfig

__all__ = ["RunConfig"]
