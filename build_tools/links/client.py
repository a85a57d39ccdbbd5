"""A small HTTP/1.1 client on asyncio streams: what checking links needs, quick to import.

One :class:`Client` serves a run: keep-alive connections from a :class:`~.pool.Pool`,
cookies kept per host (some sites set one, then redirect to themselves), and one deadline
over each exchange from connect to the last byte read. A body is read only as far as the
caller asks (a page whose fragments are looked for); otherwise a small body is drained so
the connection can serve the next request, and a large or unframed one closes it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from build_tools.links.pool import HEAD_LIMIT, Pool
from build_tools.links.urls import Target, host_of

# Bodies up to this size are read and dropped so the connection stays reusable.
DRAIN_LIMIT = 64 * 1024
NO_BODY = {204, 304}
_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) (\d{3})(?: [^\r\n]*)?\r?\n")


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
        self._fixed = (
            f"User-Agent: {user_agent}\r\n"
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
            "Accept-Encoding: gzip, deflate\r\n"
        )
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
        request = (
            f"{method} {target.path} HTTP/1.1\r\nHost: {target.authority}\r\n{self._fixed}"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode("latin-1", "replace")
        while True:
            connection = await self._pool.take(target.origin)
            if held is not None and held():
                self._pool.give_back(connection, reusable=True)
                raise Held
            try:
                connection.writer.write(request)
                version, status, headers, cookies = await self._head(connection.reader)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                self._pool.give_back(connection, reusable=False)
                unanswered = not isinstance(exc, asyncio.IncompleteReadError) or not exc.partial
                if connection.reused and unanswered:
                    continue  # the server had closed this idle connection: open a fresh one
                if isinstance(exc, asyncio.IncompleteReadError):
                    raise ClosedError("closed without an answer") from None
                raise
            except BaseException:
                self._pool.give_back(connection, reusable=False)
                raise
            break
        if cookies:
            self._cookies.store(target.host, cookies)
        try:
            response, reusable = await self._body(
                connection.reader, method, status, headers, page_limit
            )
        except BaseException:
            self._pool.give_back(connection, reusable=False)
            raise
        keep = headers.get("connection", "").lower()
        reusable = reusable and keep != "close" and (version == 1 or keep == "keep-alive")
        self._pool.give_back(connection, reusable)
        return response

    async def _head(self, reader: asyncio.StreamReader):
        """(minor version, status, headers, Set-Cookie values) of the next final answer."""
        while True:
            try:
                raw = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                raise ProtocolError(f"headers longer than {HEAD_LIMIT // 1024} KiB") from None
            match = _STATUS_LINE.match(raw)
            if not match:
                line = raw.split(b"\n", 1)[0][:80].decode("latin-1")
                raise ProtocolError(f"not an HTTP/1.x status line: {line!r}")
            status = int(match[2])
            if 100 <= status < 200 and status != 101:
                continue  # 100 Continue, 103 Early Hints: the real answer follows
            headers: dict[str, str] = {}
            cookies: list[str] = []
            for line in raw[match.end() :].decode("latin-1").split("\r\n"):
                name, sep, value = line.partition(":")
                if not sep:
                    continue
                name, value = name.strip().lower(), value.strip()
                if name == "set-cookie":
                    cookies.append(value)
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
            return int(match[1]), status, headers, cookies

    async def _body(self, reader, method, status, headers, page_limit):
        """The response, and whether its connection can carry another request."""
        if method == "HEAD" or status in NO_BODY:
            return Response(status, headers), True
        page = page_limit > 0 and 200 <= status < 300 and "html" in headers.get("content-type", "")
        limit = page_limit if page else DRAIN_LIMIT
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, complete = await _read_chunked(reader, limit)
        elif "content-length" in headers:
            try:
                size = int(headers["content-length"])
            except ValueError:
                raise ProtocolError("bad Content-Length header") from None
            if size > limit and not page:
                return Response(status, headers), False  # not worth reading: hang up
            body = await reader.readexactly(min(size, limit))
            complete = size <= limit
        elif page:
            body, complete = await _read_to_end(reader, limit), False
        else:
            return Response(status, headers), False  # a body that ends with the connection
        if page:
            body = _decoded(body, headers.get("content-encoding", ""), page_limit)
            return Response(status, headers, body), complete
        return Response(status, headers), complete


async def _read_chunked(reader: asyncio.StreamReader, limit: int) -> tuple[bytes, bool]:
    """A chunked body up to ``limit`` bytes, and whether it was read to its end."""
    chunks, total = [], 0
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0], 16)
        except ValueError:
            raise ProtocolError("bad chunk size in a chunked body") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailer fields
            return b"".join(chunks), True
        if total + size > limit:
            chunks.append(await reader.readexactly(limit - total))
            return b"".join(chunks), False
        chunks.append(await reader.readexactly(size))
        total += size
        await reader.readexactly(2)


async def _read_to_end(reader: asyncio.StreamReader, limit: int) -> bytes:
    """What the server sends until it closes the connection, up to ``limit`` bytes."""
    chunks, total = [], 0
    while total < limit and (chunk := await reader.read(limit - total)):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _decoded(body: bytes, encoding: str, limit: int) -> bytes:
    """A gzip or deflate body decompressed (at most ``limit`` bytes); others as they are."""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return body
    import zlib

    # 47: a gzip or zlib header, detected; deflate servers disagree on sending a zlib one.
    wbits = 47 if encoding != "deflate" or body[:1] == b"\x78" else -15
    try:
        return zlib.decompressobj(wbits).decompress(body, limit)
    except zlib.error:
        return b""
