"""xdist scheduling of preset items: a preset file's items share one worker, other tests load-balance.

``--dist loadgroup`` cannot do this on pytest 9 (xdist 3.8 renames items through ``_nodeid``,
which pytest 9 no longer reads), so the plugin gives xdist its own scheduler for ``--dist load``.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

PRESET_SUFFIXES = (".yaml", ".yml")


class PresetScheduling(LoadScopeScheduling):
    """A preset file is one scope (its sweep points render together); every other test is its own."""

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return path if path.endswith(PRESET_SUFFIXES) else nodeid
