"""The gate every request to a host passes: politeness towards the host, and what it cost.

A :class:`HostGate` keeps at most ``host_concurrency`` requests in flight, at least
``host_interval_ms`` between two starts, and pauses every request to the host when it
answers 429 or 503 (widening the interval when it asks again soon after). Requests that
continue a URL already under way (a retry, a redirect hop) go before the host's fresh ones:
a URL that timed out is asked again as soon as a slot frees up, not behind every other URL
of the host, so it costs its timeouts and little more. Its :class:`HostStats` count what
the host was asked and how it answered, for the report's per-host table.
"""

from __future__ import annotations

import asyncio
from collections import deque

from build_tools.links.model import HostStats

MAX_HOST_INTERVAL_S = 10.0
REPEAT_WINDOW_S = 60.0  # a second rate limit this soon after one widens the interval
RATE_LIMITED = {429, 503}  # statuses with which a host asks us to slow down


class _Slots:
    """A semaphore whose urgent waiters are woken before the others."""

    def __init__(self, count: int) -> None:
        self._free = count
        self._urgent: deque[asyncio.Future] = deque()
        self._normal: deque[asyncio.Future] = deque()

    async def acquire(self, urgent: bool) -> None:
        if self._free > 0 and not self._urgent and not self._normal:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._normal).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # the slot came as we gave up: pass it on
            raise

    def release(self) -> None:
        for waiters in (self._urgent, self._normal):
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1


class HostGate:
    """Politeness towards one host: bounded requests in flight, spaced starts, pauses on 429/503."""

    def __init__(self, host: str, concurrency: int, interval_s: float) -> None:
        self._slots = _Slots(max(1, concurrency))
        self.base_interval = interval_s
        self.interval = interval_s
        self.next_start = 0.0
        self.paused_until = 0.0
        self.limited_at: float | None = None  # loop time of the last 429/503 pause
        self.head_refused = False
        self.stats = HostStats(host)

    async def enter(self, spaced: bool = True, urgent: bool = False) -> None:
        """Wait for a free slot (``urgent`` ones first) and, when ``spaced``, a start time.

        A redirect is followed at once (not ``spaced``), as a browser does: the interval
        spaces the URLs asked for, not the hops the server itself sends us on. Pauses a
        host asked for hold every request. Pair each call with one :meth:`leave`.
        """
        await self._slots.acquire(urgent)
        try:
            loop = asyncio.get_running_loop()
            t = loop.time()
            if spaced:
                # Reserve a start time before sleeping so waiting requests queue up in order.
                start = max(t, self.next_start, self.paused_until)
                self.next_start = start + self.interval
                if start > t:
                    await asyncio.sleep(start - t)
            while (t := loop.time()) < self.paused_until:  # a pause asked for while we slept
                await asyncio.sleep(self.paused_until - t)
        except BaseException:
            self._slots.release()
            raise

    def leave(self) -> None:
        self._slots.release()

    def paused(self) -> bool:
        """Whether the host asked for a pause that has not ended yet."""
        return asyncio.get_running_loop().time() < self.paused_until

    def record(self, seconds: float, status: int | None) -> None:
        """One request's outcome: its status (None: no usable answer) and how long it took."""
        self.stats.requests += 1
        if status is not None:
            self.stats.latencies.append(seconds)
        if status in RATE_LIMITED:
            self.stats.rate_limited += 1
        elif status is None or status >= 400:
            self.stats.errors += 1

    def back_off(self, wait_s: float) -> None:
        """The host asked us to slow down: pause all its requests for ``wait_s``; a host
        that asks again within a minute also gets a wider interval from then on."""
        t = asyncio.get_running_loop().time()
        until = max(self.paused_until, t + wait_s)
        self.stats.waited_s += until - max(self.paused_until, t)
        if self.limited_at is not None and t - self.limited_at < REPEAT_WINDOW_S:
            self.interval = min(MAX_HOST_INTERVAL_S, max(self.interval * 2, 0.1))
        self.paused_until = until
        self.limited_at = t

    def relax(self) -> None:
        """A normal answer: drift back towards the configured interval."""
        if self.interval > self.base_interval:
            self.interval = max(self.base_interval, self.interval * 0.75)
