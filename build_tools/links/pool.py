"""Keep-alive connections per origin: reused first, waited for while they turn over, then opened.

A request takes an idle connection to its origin when there is one. When every connection
to the origin is busy, it waits for one to be handed back, for as long as the origin keeps
handing connections back; only when none came back for ``STALL_S`` does it open another.
Until the first connection to an origin is open, the others wait for it: the requests a
run starts at once do not each open their own. A fast host thus serves a whole run over
a handful of connections instead of one per request in flight (a new connection costs the
host far more than a request on an old one), while a slow or distant host, whose
connections stay busy, soon gets its parallel ones.
Host names are resolved once per run, TLS is set up when the first https origin is met,
and the number of open connections stays bounded, the oldest idle one closing to make room.
"""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

HEAD_LIMIT = 128 * 1024  # a response's status line and headers together
# A request waiting for a busy connection opens its own once the origin has handed none
# back for this long. Longer than a nearby host takes to answer, even a busy one; short
# beside what a distant host's TLS handshake costs, which a new connection pays anyway.
STALL_S = 0.05
ADDRESS_TRY_S = 2.0  # how long one of a host's several addresses gets to accept

Origin = tuple  # (scheme, host, port)


class ConnectError(OSError):
    """No connection could be opened to ``host:port``."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(error.errno, str(error))
        self.host, self.port, self.os_error = host, port, error


@dataclass(eq=False)
class Connection:
    """One open connection to an origin."""

    origin: Origin
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    reused: bool = False

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()


class Pool:
    """Connections by origin; every :meth:`take` is matched by one :meth:`give_back`."""

    def __init__(self, max_connections: int) -> None:
        self._max = max(1, max_connections)
        self._open = 0
        self._idle: dict[Origin, list[Connection]] = {}
        self._busy: dict[Origin, int] = {}
        self._waiters: dict[Origin, deque[asyncio.Future]] = {}
        self._handed_back: dict[Origin, float] = {}  # loop time of the last give_back
        self._connecting: dict[Origin, int] = {}
        self._reached: set[Origin] = set()  # origins a connection was ever opened to
        self._addresses: dict[tuple[str, int], asyncio.Future] = {}
        self._tls = None
        # Name lookups run in threads of their own, so a stuck resolver never holds up the
        # end of the run (asyncio.run waits for its default executor's threads).
        self._resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="linkcheck-dns")

    def close(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.writer.close()
        self._idle.clear()
        self._resolver.shutdown(wait=False, cancel_futures=True)

    async def take(self, origin: Origin) -> Connection:
        """A connection to ``origin``: an idle one, one handed back soon, or a new one."""
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable():
                connection.reused = True
                self._busy[origin] += 1
                return connection
            self._close(connection)
        if self._busy.get(origin):
            connection = await self._handed_over(origin)
            if connection is not None:
                return connection
        if self._open >= self._max:
            self._close_oldest_idle()
        # Counted busy while it connects: the next request waits for it, not opens another.
        self._open += 1
        self._busy[origin] = self._busy.get(origin, 0) + 1
        self._connecting[origin] = self._connecting.get(origin, 0) + 1
        try:
            connection = await self._connect(origin)
        except BaseException:
            self._open -= 1
            self._busy[origin] -= 1
            self._wake_all(origin)  # no connection is coming: each tries its own
            raise
        finally:
            self._connecting[origin] -= 1
        self._reached.add(origin)
        self._handed_back[origin] = asyncio.get_running_loop().time()
        return connection

    def give_back(self, connection: Connection, reusable: bool) -> None:
        """The request is done with ``connection``: pass it on, keep it idle, or close it."""
        origin = connection.origin
        self._handed_back[origin] = asyncio.get_running_loop().time()
        waiter = self._next_waiter(origin)
        if not (reusable and connection.usable()):
            self._busy[origin] -= 1
            self._close(connection)
            if waiter is not None:
                waiter.set_result(None)  # it opens the connection that replaces this one
            return
        if waiter is not None:
            connection.reused = True
            waiter.set_result(connection)  # still busy, now for the waiting request
            return
        self._busy[origin] -= 1
        self._idle.setdefault(origin, []).append(connection)

    def _wake_all(self, origin: Origin) -> None:
        while (waiter := self._next_waiter(origin)) is not None:
            waiter.set_result(None)

    def _next_waiter(self, origin: Origin) -> asyncio.Future | None:
        waiters = self._waiters.get(origin)
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                return waiter
        return None

    async def _handed_over(self, origin: Origin) -> Connection | None:
        """A connection another request hands back, or None once the origin stalls."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        waiters = self._waiters.setdefault(origin, deque())
        waiters.append(waiter)
        since = loop.time()

        def check() -> None:
            nonlocal timer
            if waiter.done():
                return
            if origin not in self._reached and self._connecting.get(origin):
                timer = loop.call_later(STALL_S, check)  # the first connection is on its way
                return
            last = max(since, self._handed_back.get(origin, since))
            if loop.time() - last >= STALL_S:
                waiter.set_result(None)
            else:
                timer = loop.call_at(last + STALL_S, check)

        timer = loop.call_at(since + STALL_S, check)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                self.give_back(waiter.result(), reusable=True)  # handed over as we gave up
            raise
        finally:
            timer.cancel()
            if waiter in waiters:
                waiters.remove(waiter)

    def _close(self, connection: Connection) -> None:
        connection.writer.close()
        self._open -= 1

    def _close_oldest_idle(self) -> None:
        for connections in self._idle.values():
            if connections:
                self._close(connections.pop(0))
                return

    # -- opening -------------------------------------------------------------------------------

    async def _connect(self, origin: Origin) -> Connection:
        scheme, host, port = origin
        tls = self._tls_context() if scheme == "https" else None
        failure: OSError | None = None
        addresses = await self.resolve(host, port)
        for n, address in enumerate(addresses):
            opening = asyncio.open_connection(
                address, port, ssl=tls, server_hostname=host if tls else None, limit=HEAD_LIMIT
            )
            try:
                if n + 1 < len(addresses):  # others to try: a silent address must not take all
                    reader, writer = await asyncio.wait_for(opening, ADDRESS_TRY_S)
                else:
                    reader, writer = await opening
            except asyncio.TimeoutError:
                failure = OSError(f"no answer from {address}")
                continue
            except OSError as exc:
                if tls is not None and _is_tls_error(exc):
                    raise
                if tls is not None and isinstance(exc, ConnectionResetError):
                    raise _tls_error("the server hung up") from exc
                failure = exc
                continue
            return Connection(origin, reader, writer)
        raise ConnectError(host, port, failure or OSError("no address"))

    async def resolve(self, host: str, port: int) -> list[str]:
        """The host's addresses, looked up once per run; an IP address is its own."""
        if _is_ip(host):
            return [host]
        key = (host, port)
        pending = self._addresses.get(key)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(
                self._resolver, socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM
            )
            self._addresses[key] = pending
        try:
            infos = await asyncio.shield(pending)
        except socket.gaierror as exc:
            if exc.errno != socket.EAI_NONAME:
                self._addresses.pop(key, None)  # a passing failure: the next try asks again
            raise
        # IPv4 first: a network whose IPv6 goes nowhere then costs nothing.
        ordered = sorted(infos, key=lambda info: info[0] != socket.AF_INET)
        return list(dict.fromkeys(info[4][0] for info in ordered))

    def _tls_context(self):
        if self._tls is None:
            import ssl

            # Certificates are loaded once per run, and only by runs that meet https.
            self._tls = ssl.create_default_context()
            self._tls.set_alpn_protocols(["http/1.1"])
        return self._tls


def _is_ip(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        return True
    return False


def _is_tls_error(exc: BaseException) -> bool:
    import ssl

    return isinstance(exc, ssl.SSLError)


def _tls_error(message: str) -> Exception:
    import ssl

    return ssl.SSLError(message)
