"""The check stage for external links: async HTTP that is fast, polite and hard to hang.

One ``aiohttp`` session with keep-alive pools serves the whole run. Each host has a
:class:`HostGate`: at most ``host_concurrency`` requests in flight, at least
``host_interval_ms`` between two starts, and a pause (with a wider interval) when the host
answers 429 or 503. A URL is tried with HEAD first; GET replaces it when HEAD is refused and
confirms any error status, so a ``broken`` verdict always rests on a GET. Bodies are never
downloaded unless a fragment must be looked for, and then only up to ``max_body_bytes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import os
import re
import socket
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import aiohttp

from build_tools.links.model import BROKEN, ERROR, OK, REDIRECT, TIMEOUT, CheckSettings, now
from build_tools.links.site import parse_page

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
# HEAD answered with these means "ask with GET" (405/501 say so; 400/403 often mean the same).
HEAD_REFUSED = {400, 403, 405, 501}
RATE_LIMITED = {429, 503}
# Statuses worth asking again: the server says it is busy, or a gateway failed on the way.
TRANSIENT = {408, 429, 502, 503, 504}
# Bodies this small are read so the connection can be reused; larger ones are cut off.
DRAIN_LIMIT = 64 * 1024
MAX_HOST_INTERVAL_S = 10.0
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass
class Fetch:
    """What one URL (fragment removed) turned out to be."""

    verdict: str
    status: int | None = None
    detail: str = ""
    final_url: str | None = None
    anchors: set[str] | None = None
    requests: int = 0


@dataclass
class _Answer:
    method: str
    status: int
    headers: dict
    body: bytes | None = None


@dataclass
class _Failure:
    verdict: str
    detail: str
    retryable: bool


class HostGate:
    """Politeness towards one host: bounded requests in flight, spaced starts, pauses on 429/503."""

    def __init__(self, concurrency: int, interval_s: float) -> None:
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self.base_interval = interval_s
        self.interval = interval_s
        self.next_start = 0.0
        self.paused_until = 0.0
        self.head_refused = False

    @contextlib.asynccontextmanager
    async def slot(self):
        async with self._slots:
            loop = asyncio.get_running_loop()
            t = loop.time()
            # Reserve a start time before sleeping so waiting requests queue up in order.
            start = max(t, self.next_start, self.paused_until)
            self.next_start = start + self.interval
            if start > t:
                await asyncio.sleep(start - t)
            while (t := loop.time()) < self.paused_until:  # a pause asked for while we slept
                await asyncio.sleep(self.paused_until - t)
            yield

    def back_off(self, wait_s: float) -> None:
        """The host asked us to slow down: pause all its requests and widen the interval."""
        loop = asyncio.get_running_loop()
        self.paused_until = max(self.paused_until, loop.time() + wait_s)
        self.interval = min(MAX_HOST_INTERVAL_S, max(self.interval * 2, 0.1))

    def relax(self) -> None:
        """A normal answer: drift back towards the configured interval."""
        if self.interval > self.base_interval:
            self.interval = max(self.base_interval, self.interval * 0.75)


def retry_after_s(value: str | None) -> float | None:
    """Seconds asked for by a Retry-After header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _reason(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def malformed(url: str) -> str | None:
    """Why ``url`` cannot be requested at all, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"malformed URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"malformed URL: scheme '{parts.scheme}' is not http or https"
    if not parts.hostname:
        return "malformed URL: no host"
    if _SPACE_OR_CONTROL.search(url):
        return "malformed URL: contains spaces or control characters"
    return None


async def _read_up_to(stream: aiohttp.StreamReader, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = await stream.read(limit - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _failure(exc: BaseException) -> _Failure:
    """Sort a transport error into a verdict; only transient ones are retried."""
    failure = _classify(exc)
    failure.detail = " ".join(failure.detail.split())  # parser errors span several lines
    return failure


def _classify(exc: BaseException) -> _Failure:
    if isinstance(exc, asyncio.TimeoutError):
        return _Failure(TIMEOUT, "no answer within the timeout", True)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return _Failure(ERROR, f"TLS certificate rejected: {exc.certificate_error}", False)
    if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.ClientConnectorSSLError)):
        return _Failure(ERROR, f"TLS handshake failed: {exc.os_error}", False)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        if getattr(exc.os_error, "errno", None) == socket.EAI_NONAME:
            return _Failure(BROKEN, f"host not found: {exc.host}", False)
        return _Failure(ERROR, f"host lookup failed: {exc.os_error}", True)
    if isinstance(exc, aiohttp.ClientConnectorError):
        errno = getattr(exc.os_error, "errno", None)
        reason = os.strerror(errno) if errno else exc.os_error
        return _Failure(ERROR, f"cannot connect to {exc.host}:{exc.port}: {reason}", True)
    if isinstance(exc, aiohttp.InvalidURL):
        return _Failure(ERROR, f"malformed URL: {exc}", False)
    if isinstance(exc, aiohttp.ClientResponseError):
        return _Failure(ERROR, f"unreadable response: {exc.message}", False)
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return _Failure(ERROR, f"connection failed: {type(exc).__name__}: {exc}", True)
    if isinstance(exc, ValueError):
        return _Failure(ERROR, f"malformed URL: {exc}", False)
    # Whatever else a strange URL or server provokes is that link's error, not the run's end.
    return _Failure(ERROR, f"unexpected {type(exc).__name__}: {exc}", False)


class HttpChecker:
    """Fetches URLs politely; use as ``async with HttpChecker(settings) as checker``."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        self.requests = 0
        self._gates: dict[str, HostGate] = {}
        self._session: aiohttp.ClientSession | None = None
        self._in_flight: asyncio.Semaphore | None = None

    async def __aenter__(self) -> HttpChecker:
        s = self.settings
        self._in_flight = asyncio.Semaphore(max(1, s.max_concurrency))
        connector = aiohttp.TCPConnector(
            limit=max(1, s.max_concurrency), limit_per_host=0, ttl_dns_cache=300
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=s.timeout_s, sock_connect=s.timeout_s),
            headers={
                "User-Agent": s.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            },
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # some sites set a cookie, then redirect
            max_line_size=65536,
            max_field_size=65536,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._session.close()

    def gate(self, url: str) -> HostGate:
        host = _host(url)
        gate = self._gates.get(host)
        if gate is None:
            s = self.settings
            gate = self._gates[host] = HostGate(s.host_concurrency, s.host_interval_ms / 1000)
        return gate

    # -- one request -----------------------------------------------------------------------

    async def _attempt(self, method: str, url: str, gate: HostGate, want_body: bool):
        async with gate.slot(), self._in_flight:
            if method == "HEAD" and gate.head_refused:  # learnt while this request waited
                method = "GET"
            self.requests += 1
            try:
                async with self._session.request(method, url, allow_redirects=False) as resp:
                    body = None
                    size = resp.content_length
                    if want_body and resp.status == 200 and "html" in resp.content_type:
                        body = await _read_up_to(resp.content, self.settings.max_body_bytes)
                    elif size is not None and size <= DRAIN_LIMIT and method != "HEAD":
                        await resp.read()  # small: read it so the connection stays reusable
                    return _Answer(method, resp.status, dict(resp.headers), body)
            except Exception as exc:  # sorted into a verdict by _failure
                return _failure(exc)

    async def _send(self, method: str, url: str, gate: HostGate, want_body: bool):
        """One request with retries: backoff for transient failures, Retry-After when asked."""
        s = self.settings
        for attempt in range(s.retries + 1):
            outcome = await self._attempt(method, url, gate, want_body)
            last = attempt == s.retries
            if isinstance(outcome, _Failure):
                if not outcome.retryable or last:
                    return outcome
                await asyncio.sleep(s.retry_wait_s * 2**attempt)
                continue
            if outcome.status not in TRANSIENT or last:
                if outcome.status < 400:
                    gate.relax()
                return outcome
            wait = retry_after_s(outcome.headers.get("Retry-After"))
            if wait is not None and wait > s.max_retry_after_s:
                return outcome
            backoff = s.retry_wait_s * 2**attempt
            if outcome.status in RATE_LIMITED:
                gate.back_off(wait if wait is not None else backoff)  # the gate does the waiting
            else:
                await asyncio.sleep(backoff)
        return outcome

    # -- one URL ---------------------------------------------------------------------------

    async def fetch(self, url: str, want_anchors: bool = False) -> Fetch:
        """Follow ``url`` to a verdict: HEAD (or GET), redirects, retries."""
        problem = malformed(url)
        if problem:
            return Fetch(ERROR, detail=problem)
        start_requests = self.requests
        hops: list[tuple[int, str]] = []
        current, seen = url, {url}
        method = "GET" if want_anchors else "HEAD"
        while True:
            gate = self.gate(current)
            outcome = await self._send(method, current, gate, want_anchors)
            if isinstance(outcome, _Failure):
                fetch = Fetch(
                    outcome.verdict, detail=outcome.detail, final_url=current if hops else None
                )
                break
            status = outcome.status
            if outcome.method == "HEAD" and status >= 400 and status not in RATE_LIMITED:
                if status in HEAD_REFUSED:
                    gate.head_refused = True
                method = "GET"  # a refusal or an error status is only believed from a GET
                continue
            location = outcome.headers.get("Location")
            if status in REDIRECTS and location:
                target = urljoin(current, location.strip())
                if target in seen:
                    chain = " → ".join([url] + [t for _, t in hops] + [target])
                    fetch = Fetch(BROKEN, status, f"redirect loop: {chain}", final_url=target)
                    break
                if len(hops) >= self.settings.max_redirects:
                    detail = f"more than {self.settings.max_redirects} redirects"
                    fetch = Fetch(BROKEN, status, detail, final_url=target)
                    break
                problem = malformed(target)
                if problem:
                    fetch = Fetch(
                        ERROR, status, f"redirect to {target}: {problem}", final_url=target
                    )
                    break
                hops.append((status, target))
                seen.add(target)
                current = target
                continue
            fetch = self._verdict(outcome, hops)
            break
        fetch.requests = self.requests - start_requests
        return fetch

    def _verdict(self, answer: _Answer, hops: list[tuple[int, str]]) -> Fetch:
        status = answer.status
        final_url = hops[-1][1] if hops else None
        anchors = None
        if answer.body is not None:
            anchors = parse_page(answer.body.decode("utf-8", errors="replace")).anchors
        if 200 <= status < 300 or status in self.settings.accept:
            chain = ", ".join(f"{code} → {target}" for code, target in hops)
            if any(code in PERMANENT for code, _ in hops):
                return Fetch(REDIRECT, status, f"moved permanently: {chain}", final_url, anchors)
            return Fetch(OK, status, f"redirected: {chain}" if hops else "", final_url, anchors)
        if status in RATE_LIMITED:
            wait = answer.headers.get("Retry-After")
            asked = f" (Retry-After: {wait})" if wait else ""
            return Fetch(ERROR, status, f"{_reason(status)}{asked}; gave up", final_url)
        if status in REDIRECTS:
            return Fetch(BROKEN, status, f"{_reason(status)} without a Location header", final_url)
        return Fetch(BROKEN, status, _reason(status), final_url)


def run(coroutine):
    """Run ``coroutine`` to completion on uvloop when installed, the standard loop otherwise.

    A loop of its own, not a changed global policy: callers' other asyncio code is untouched.
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
