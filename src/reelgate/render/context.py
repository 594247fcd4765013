"""Which render the running code belongs to, for per-render HTTP recording and logging.

The render service sets it in each render's task; asyncio copies it into everything that task
awaits, so a transport shared by every render can tell them apart.
"""

from __future__ import annotations

from contextvars import ContextVar

from reelgate.render.request import RenderRequest

CURRENT_RENDER: ContextVar[RenderRequest | None] = ContextVar("reelgate_current_render", default=None)
