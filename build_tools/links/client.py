"""An HTTP/1.1 client on asyncio streams: what checking links needs, quick to import.

Responses are parsed by httptools (llhttp, the parser of Node.js): status line, headers,
framing of bodies, interim answers and whether a connection may carry another request.
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

import httptools

from build_tools.links.pool import HEAD_LIMIT, Pool
from build_tools.links.urls import Target, host_of

# Bodies up to this size are read and dropped so the connection stays reusable.
DRAIN_LIMIT = 64 * 1024
# The first bytes of a refusal's body are kept: enough to tell a bot wall's challenge page
# (its title and scripts come first) from the host's own error page.
SNIFF_LIMIT = 8 * 1024
SNIFFED = {403, 503}  # the statuses bot walls answer with (see walls.py)
READ_SIZE = 64 * 1024
_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.x as it has to be."""


class ClosedError(ConnectionError):
    """The server closed the connection before answering."""


class Held(Exception):
    """The host asked for a pause while the request waited for a connection: nothing sent."""


class SlowBody(TimeoutError):
    """The answer's headers came in time, but the page it carries did not."""

    def __init__(self, received: int, seconds: float) -> None:
        super().__init__(f"body too slow: {received} bytes in {seconds:g} s")
        self.received, self.seconds = received, seconds


@dataclass
class Response:
    """The answer to one request: status, headers (names lower-case), a page when asked."""

    status: int
    headers: dict[str, str]
    body: bytes | None = None  # only for a page the caller asked to read
    anchors: set[str] | None = None  # the page's ids, once the checker has scanned it
    start: bytes = b""  # the first bytes of a 403 or 503 answer's body (decompressed)


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

    async def addresses(self, host: str, port: int) -> list[str]:
        """The addresses a connection to ``host`` would try, from the run's one lookup."""
        return await self._pool.resolve(host, port)

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
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Response:
        """Send one request and read its answer within ``timeout`` seconds.

        With ``page_limit``, the body of a successful HTML answer is read up to that many
        bytes (and decompressed) into ``Response.body``. When ``held()`` is true once a
        connection is at hand (the host asked for a pause meanwhile), nothing is sent and
        :class:`Held` is raised. ``headers`` are sent besides (or instead of) the usual ones.

        When the time runs out after the headers came in, the answer is what they say if
        its body was only being drained (the connection is closed instead of reused); a page
        that was wanted raises :class:`SlowBody`, which says how much of it arrived.
        """
        answers: list[_Answer] = []  # the exchange's answer, to see how far it got
        exchange = self._exchange(method, target, page_limit, held, answers, headers)
        try:
            if _timeout is None:
                return await asyncio.wait_for(exchange, timeout)
            async with _timeout(timeout):  # no task of its own per request, unlike wait_for
                return await exchange
        except (TimeoutError, asyncio.TimeoutError):  # distinct types before Python 3.11
            answer = answers[-1] if answers else None
            if answer is None or not answer.head_done:
                raise
            if answer.is_page:
                raise SlowBody(answer.size, timeout) from None
            return Response(answer.status, answer.headers, start=answer.start())

    def _head_lines(self, headers: tuple[tuple[str, str], ...]) -> str:
        if not headers:
            return self._fixed
        given = {name.lower() for name, _ in headers}
        kept = [line for line in self._fixed.split("\r\n") if line]
        kept = [line for line in kept if line.partition(":")[0].lower() not in given]
        return "".join(f"{line}\r\n" for line in kept + [f"{n}: {v}" for n, v in headers])

    # -- one exchange ------------------------------------------------------------------------

    async def _exchange(
        self, method: str, target: Target, page_limit: int, held, answers: list, headers=()
    ) -> Response:
        cookie = self._cookies.header(target.host)
        fixed = self._head_lines(headers)
        request = (
            f"{method} {target.path} HTTP/1.1\r\nHost: {target.authority}\r\n{fixed}"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode("latin-1", "replace")
        while True:
            connection = await self._pool.take(target.origin)
            if held is not None and held():
                self._pool.give_back(connection, reusable=True)
                raise Held
            answer = _Answer(page_limit)
            answers.append(answer)
            try:
                connection.writer.write(request)
                await answer.read_head(connection.reader)
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
        if answer.cookies:
            self._cookies.store(target.host, answer.cookies)
        try:
            reusable = method == "HEAD" or await answer.read_body(connection.reader)
        except BaseException:
            self._pool.give_back(connection, reusable=False)
            raise
        self._pool.give_back(connection, reusable and answer.keep_alive)
        return Response(answer.status, answer.headers, answer.page(), start=answer.start())


class _Unanswered(Exception):
    """The connection ended before any byte of an answer came back."""


class _Answer:
    """One response as httptools' parser reports it: its status and headers, then as much
    of its body as is worth reading (a page's bytes are kept, others are only counted)."""

    def __init__(self, page_limit: int) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.page_limit = page_limit
        self.status = 0
        self.headers: dict[str, str] = {}
        self.cookies: list[str] = []
        self.head_done = self.done = self.keep_alive = self.is_page = self.sniffing = False
        self.chunks: list[bytes] = []
        self.size = 0

    # httptools' callbacks, called from feed_data
    def on_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1").strip()
        if key == "set-cookie":
            self.cookies.append(text)
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200 and status != 101:
            self.headers, self.cookies = {}, []  # 100 Continue, 103 Early Hints: more follows
            return
        self.status, self.head_done = status, True
        self.keep_alive = self.parser.should_keep_alive()
        self.is_page = (
            self.page_limit > 0
            and 200 <= status < 300
            and "html" in self.headers.get("content-type", "")
        )
        self.sniffing = status in SNIFFED

    def on_body(self, data: bytes) -> None:
        if self.is_page or (self.sniffing and self.size < SNIFF_LIMIT):
            self.chunks.append(data)
        self.size += len(data)

    def on_message_complete(self) -> None:
        self.done = self.head_done

    # reading
    def _feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.done = True  # a switch of protocols: nothing more to read as HTTP
        except httptools.HttpParserError as exc:
            raise ProtocolError(f"not HTTP/1.x as it has to be: {exc}") from None

    async def read_head(self, reader: asyncio.StreamReader) -> None:
        """Read until the final answer's headers are in; :class:`_Unanswered` when the
        connection ends before any byte of an answer."""
        received = 0
        while not self.head_done:
            try:
                data = await reader.read(READ_SIZE)
            except ConnectionError as exc:
                if received:
                    raise
                raise _Unanswered from exc
            if not data:
                if received:
                    raise ClosedError("closed mid-answer")
                raise _Unanswered
            received += len(data)
            self._feed(data)
            if not self.head_done and received > HEAD_LIMIT:
                raise ProtocolError(f"headers longer than {HEAD_LIMIT // 1024} KiB")

    async def read_body(self, reader: asyncio.StreamReader) -> bool:
        """Read the body as far as it is worth it; whether it was read to its end, so the
        connection can carry another request."""
        if not self.is_page:
            length = self.headers.get("content-length", "")
            framed = length or "chunked" in self.headers.get("transfer-encoding", "")
            if not self.done and (not framed or (length.isdigit() and int(length) > DRAIN_LIMIT)):
                # A body that ends with the connection, or too big to drain: only a
                # refusal's first bytes are read, and the connection is not reused.
                while self.sniffing and not self.done and self.size < SNIFF_LIMIT:
                    data = await reader.read(READ_SIZE)
                    if not data:
                        break
                    self._feed(data)
                return False
        limit = self.page_limit if self.is_page else DRAIN_LIMIT
        while not self.done and self.size <= limit:
            data = await reader.read(READ_SIZE)
            if not data:
                return False  # ended with the connection (or cut short)
            self._feed(data)
        return self.done and self.size <= limit

    def start(self) -> bytes:
        """The first bytes of a refusal's body (decompressed), b"" for other answers."""
        if not self.sniffing or not self.chunks:
            return b""
        return _decoded(b"".join(self.chunks)[:SNIFF_LIMIT], self.headers, SNIFF_LIMIT)

    def page(self) -> bytes | None:
        """The page's bytes (decompressed, at most the page limit), or None for no page."""
        if not self.is_page:
            return None
        return _decoded(b"".join(self.chunks)[: self.page_limit], self.headers, self.page_limit)


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
