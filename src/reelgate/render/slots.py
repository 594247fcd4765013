"""A provider's concurrent-task slots: the limit the provider puts on tasks running at once."""

from __future__ import annotations

import asyncio


class Slot:
    """One of a provider's concurrent-task slots, given back as soon as the task has finished
    (before its clip downloads) or when the attempt ends, whichever comes first."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = False

    async def __aenter__(self) -> Slot:
        await self._semaphore.acquire()
        self._held = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._semaphore.release()
