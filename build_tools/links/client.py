"""An HTTP/1.1 client on asyncio streams: what checking links needs, quick to import.

The protocol itself (status line, headers, framing of bodies, interim answers, whether a
connection may carry another request) is h11's; this module drives it over asyncio.
One :class:`Client` serves a run: keep-alive connections from a :class:`~.pool.Pool`,
cookies kept per host (some sites set one, then redirect to themselves), and one deadline
over each exchange from connect to the last byte read. A body is read only as far as the
caller asks (a page whose fragments are looked for); otherwise a small body is drained so
the connection can serve the next request, and a large or unframed one closes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import h11

from build_tools.links.pool import HEAD_LIMIT, Pool
from build_tools.links.urls import Target, host_of

# Bodies up to this size are read and dropped so the connection stays reusable.
DRAIN_LIMIT = 64 * 1024
NO_BODY = {204, 304}
READ_SIZE = 64 * 1024
_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.x as it has to be."""


class ClosedError(ConnectionError):
    """The server closed the connection before answering."""


class Held(Exception):
    """The host asked for a pause while the request waited for a connection: nothing sent."""


@dataclass
class Response:
    """The answer to one request: status, headers (names lower-case), a page when asked."""

    status: int
    headers: dict[str, str]
    body: bytes | None = None  # only for a page the caller asked to read


@dataclass
class _Cookies:
    """Cookies by the host that set them (or the domain they name), sent back to it."""

    by_domain: dict[str, dict[str, str]] = field(default_factory=dict)

    def store(self, host: str, values: list[str]) -> None:
        for value in values:
            pair, *attributes = value.split(";")
            name, sep, content = pair.partition("=")
            if not sep or not name.strip():
                continue
            domain = host
            for attribute in attributes:
                key, _, given = attribute.partition("=")
                if key.strip().lower() == "domain" and given.strip():
                    domain = given.strip().lstrip(".").lower()
            self.by_domain.setdefault(domain, {})[name.strip()] = content.strip()

    def header(self, host: str) -> str:
        if not self.by_domain:
            return ""
        found: dict[str, str] = {}
        for domain, jar in self.by_domain.items():
            if host == domain or host.endswith("." + domain):
                found.update(jar)
        return "; ".join(f"{k}={v}" for k, v in found.items())


class Client:
    """Requests over pooled connections; ``await close()`` when the run is over."""

    def __init__(self, user_agent: str, max_connections: int) -> None:
        self._fixed = [
            ("User-Agent", user_agent),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Encoding", "gzip, deflate"),
        ]
        self._pool = Pool(max_connections)
        self._cookies = _Cookies()

    async def close(self) -> None:
        self._pool.close()
        await asyncio.sleep(0)  # let the transports see their close before the loop ends

    def cookies_for(self, url: str) -> str:
        """The Cookie header a request for ``url`` would carry ('' when none)."""
        return self._cookies.header(host_of(url)) if self._cookies.by_domain else ""

    async def request(
        self,
        method: str,
        target: Target,
        *,
        timeout: float,
        page_limit: int = 0,
        held: Callable[[], bool] | None = None,
    ) -> Response:
        """Send one request and read its answer within ``timeout`` seconds.

        With ``page_limit``, the body of a successful HTML answer is read up to that many
        bytes (and decompressed) into ``Response.body``. When ``held()`` is true once a
        connection is at hand (the host asked for a pause meanwhile), nothing is sent and
        :class:`Held` is raised.
        """
        exchange = self._exchange(method, target, page_limit, held)
        if _timeout is None:
            return await asyncio.wait_for(exchange, timeout)
        async with _timeout(timeout):  # no task of its own per request, unlike wait_for
            return await exchange

    # -- one exchange ------------------------------------------------------------------------

    async def _exchange(self, method: str, target: Target, page_limit: int, held) -> Response:
        cookie = self._cookies.header(target.host)
        headers = [("Host", target.authority), *self._fixed]
        if cookie:
            headers.append(("Cookie", cookie))
        request = h11.Request(method=method, target=target.path, headers=headers)
        while True:
            connection = await self._pool.take(target.origin)
            if held is not None and held():
                self._pool.give_back(connection, reusable=True)
                raise Held
            if connection.http is None:
                connection.http = h11.Connection(h11.CLIENT, max_incomplete_event_size=HEAD_LIMIT)
            http = connection.http
            try:
                connection.writer.write(http.send(request) + http.send(h11.EndOfMessage()))
                answer = await _final_answer(connection.reader, http)
            except _Unanswered as exc:
                self._pool.give_back(connection, reusable=False)
                if connection.reused:
                    continue  # the server had closed this idle connection: open a fresh one
                if isinstance(exc.__cause__, ConnectionError):
                    raise exc.__cause__ from None
                raise ClosedError("closed without an answer") from None
            except BaseException:
                self._pool.give_back(connection, reusable=False)
                raise
            break
        status = answer.status_code
        fields: dict[str, str] = {}
        cookies: list[str] = []
        for raw_name, raw_value in answer.headers:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1").strip()
            if name == "set-cookie":
                cookies.append(value)
            fields[name] = f"{fields[name]}, {value}" if name in fields else value
        if cookies:
            self._cookies.store(target.host, cookies)
        try:
            body, reusable = await self._body(
                connection.reader, http, method, page_limit, fields, answer
            )
        except BaseException:
            self._pool.give_back(connection, reusable=False)
            raise
        if reusable:
            http.start_next_cycle()
        self._pool.give_back(connection, reusable)
        return Response(status, fields, body)

    async def _body(self, reader, http, method, page_limit, headers, answer):
        """The page's bytes when one is wanted (else None), and whether the connection can
        carry another request."""
        status = answer.status_code
        page = page_limit > 0 and 200 <= status < 300 and "html" in headers.get("content-type", "")
        if method == "HEAD" or status in NO_BODY:
            page = False  # no body at all: h11 gives the end of the message next
        elif not page:
            length = headers.get("content-length", "")
            framed = length or "chunked" in headers.get("transfer-encoding", "")
            if not framed or (length.isdigit() and int(length) > DRAIN_LIMIT):
                return None, False  # a body that ends with the connection, or too big to drain
        limit = page_limit if page else DRAIN_LIMIT
        chunks, total = [], 0
        while total <= limit:
            event = await _next_event(reader, http)
            if isinstance(event, h11.EndOfMessage):
                complete = http.our_state is h11.DONE and http.their_state is h11.DONE
                return (_decoded(b"".join(chunks), headers, page_limit) if page else None), complete
            if isinstance(event, h11.Data):
                if page:
                    chunks.append(event.data)
                total += len(event.data)
            elif isinstance(event, h11.ConnectionClosed):
                break
        # More than is worth reading, or cut short: what came so far, and hang up.
        return (_decoded(b"".join(chunks)[:limit], headers, page_limit) if page else None), False


class _Unanswered(Exception):
    """The connection ended before any byte of an answer came back."""


async def _next_event(reader: asyncio.StreamReader, http: h11.Connection):
    """The next h11 event of the server's side, reading from the connection as needed."""
    ended = False
    while True:
        try:
            event = http.next_event()
        except h11.RemoteProtocolError as exc:
            if ended:
                raise ClosedError("closed mid-answer") from None
            raise ProtocolError(f"not HTTP/1.x as it has to be: {exc}") from None
        if event is not h11.NEED_DATA:
            return event
        data = await reader.read(READ_SIZE)
        ended = not data
        http.receive_data(data)


async def _final_answer(reader: asyncio.StreamReader, http: h11.Connection) -> h11.Response:
    """The status and headers of the final answer (100 Continue, 103 Early Hints and other
    interim answers are passed over); :class:`_Unanswered` when nothing at all came back."""
    answered = False
    while True:
        try:
            event = http.next_event()
        except h11.RemoteProtocolError as exc:
            if not answered and http.their_state is h11.SEND_RESPONSE:
                raise _Unanswered from exc
            raise ProtocolError(f"not HTTP/1.x as it has to be: {exc}") from None
        if event is h11.NEED_DATA:
            try:
                data = await reader.read(READ_SIZE)
            except ConnectionError as exc:
                if answered:
                    raise
                raise _Unanswered from exc
            answered = answered or bool(data)
            http.receive_data(data)
            continue
        if isinstance(event, h11.Response):
            return event
        if isinstance(event, h11.ConnectionClosed):
            raise _Unanswered
        # an h11.InformationalResponse: the real answer follows


def _decoded(body: bytes, headers: dict[str, str], limit: int) -> bytes:
    """A gzip or deflate body decompressed (at most ``limit`` bytes); others as they are."""
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return body
    import zlib

    # 47: a gzip or zlib header, detected; deflate servers disagree on sending a zlib one.
    wbits = 47 if encoding != "deflate" or body[:1] == b"\x78" else -15
    try:
        return zlib.decompressobj(wbits).decompress(body, limit)
    except zlib.error:
        return b""
