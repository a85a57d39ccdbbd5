"""The check stage for external links: the rules that turn HTTP answers into verdicts.

Requests go through :mod:`build_tools.links.client` (pooled keep-alive connections, one
deadline per request), one :class:`~build_tools.links.gate.HostGate` per host keeping them
polite. Each URL costs one request per redirect hop on a well-behaved host: a GET whose body
is read only when the page's fragments are looked for (``method="get"``, the default), or a
HEAD followed by a GET only where the host refuses HEAD (``method="head"``). Transient
failures are retried with backoff, a 429 or 503 pauses the whole host for its Retry-After,
and every wait is bounded, so a hanging host costs at most ``timeout_s`` per attempt.

A page whose fragments are looked for is scanned in a thread of its own, never on the
event loop, within what is left of its request's deadline. A redirect is followed only
where it may go: from a public address never to a loopback, private, link-local or other
non-public one (unless the URL asked for was itself on such an address), judged on the
addresses the connection would use, host names resolved first.

Answers that say nothing about the page get verdicts of their own: a bot wall's challenge
(:mod:`~build_tools.links.walls`) is ``blocked`` and is not asked again, a 429 still there
after the retries (or asking for a longer pause than ``max_retry_after_s``) is
``rate-limited``. Per-host rules add accepted statuses and request headers, whose
``${NAME}`` values are read from the environment when the request is made.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from build_tools.links import model
from build_tools.links.client import Client, ClosedError, Held, ProtocolError, Response, SlowBody
from build_tools.links.gate import RATE_LIMITED, HostGate
from build_tools.links.model import (
    BLOCKED,
    BROKEN,
    ERROR,
    OK,
    REDIRECT,
    TIMEOUT,
    CheckSettings,
    now,
)
from build_tools.links.pool import ConnectError
from build_tools.links.site import parse_page
from build_tools.links.urls import Target
from build_tools.links.walls import wall, wall_detail

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
# HEAD answered with these means "ask with GET" (405/501 say so; 400/403 often mean the same).
HEAD_REFUSED = {400, 403, 405, 501}
# Statuses worth asking again: the server says it is busy, or a gateway failed on the way.
TRANSIENT = {408, 429, 502, 503, 504}


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
class _Failure:
    verdict: str
    detail: str
    retryable: bool


def retry_after_s(value: str | None) -> float | None:
    """Seconds asked for by a Retry-After header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _failure(exc: BaseException, host: str) -> _Failure:
    """Sort a transport error into a verdict; only transient ones are retried."""
    failure = _classify(exc, host)
    failure.detail = " ".join(failure.detail.split())  # some errors span several lines
    return failure


def _classify(exc: BaseException, host: str) -> _Failure:
    import ssl

    if isinstance(exc, SlowBody):  # the server answers, but sends its page too slowly
        return _Failure(TIMEOUT, str(exc), False)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return _Failure(TIMEOUT, "no answer within the timeout", True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _Failure(ERROR, f"TLS certificate rejected: {exc.verify_message}", False)
    if isinstance(exc, ssl.SSLError):
        return _Failure(ERROR, f"TLS handshake failed: {exc.reason or exc}", False)
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_NONAME:
            return _Failure(BROKEN, f"host not found: {host}", False)
        return _Failure(ERROR, f"host lookup failed: {exc.strerror or exc}", True)
    if isinstance(exc, ConnectError):
        errno = exc.os_error.errno
        reason = os.strerror(errno) if errno else exc.os_error
        return _Failure(ERROR, f"cannot connect to {exc.host}:{exc.port}: {reason}", True)
    if isinstance(exc, ProtocolError):
        return _Failure(ERROR, f"unreadable response: {exc}", False)
    if isinstance(exc, ClosedError):
        return _Failure(ERROR, "connection failed: the server closed it mid-answer", True)
    if isinstance(exc, OSError):
        return _Failure(ERROR, f"connection failed: {type(exc).__name__}: {exc}", True)
    if isinstance(exc, ValueError):
        return _Failure(ERROR, f"malformed URL: {exc}", False)
    # Whatever else a strange URL or server provokes is that link's error, not the run's end.
    return _Failure(ERROR, f"unexpected {type(exc).__name__}: {exc}", False)


def non_public(address: str, public: tuple[str, ...] = ()) -> str | None:
    """What kind of non-public address ``address`` is ("loopback", "private", ...), or
    None for a public one. ``public`` lists networks to count as public all the same."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # no IPv6 zone
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(network) for network in public):
        return None
    for kind in ("loopback", "link_local", "private", "unspecified", "multicast", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand_headers(
    headers: tuple[tuple[str, str], ...], environ=os.environ
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The headers with each ``${NAME}`` replaced from ``environ``, and the names of the
    variables that were unset (or held a line break): a header naming one is left out."""
    sent, missing = [], []
    for name, value in headers:
        absent = [v for v in _VARIABLE.findall(value) if not environ.get(v) or "\n" in environ[v]]
        if absent:
            missing += absent
            continue
        sent.append((name, _VARIABLE.sub(lambda m: environ[m[1]].strip(), value)))
    return tuple(sent), missing


def _scan_anchors(body: bytes) -> set[str]:
    return parse_page(body).anchors


class HttpChecker:
    """Fetches URLs politely; use as ``async with HttpChecker(settings) as checker``."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        self.requests = 0
        self.gates: dict[str, HostGate] = {}
        self._client: Client | None = None
        self._in_flight: asyncio.Semaphore | None = None
        self._headers: dict[str, tuple[tuple[str, str], ...]] = {}

    def headers_for(self, host: str) -> tuple[tuple[str, str], ...]:
        """The extra request headers of ``host``'s rule, variables expanded (once per host)."""
        if host not in self._headers:
            rule = self.settings.rule_for(host)
            sent, missing = expand_headers(rule.headers) if rule else ((), [])
            for variable in sorted(set(missing)):  # the name only: never a value
                print(
                    f"linkcheck: {rule.host}: ${{{variable}}} is not set; "
                    "the header that names it is not sent",
                    file=sys.stderr,
                )
            self._headers[host] = sent
        return self._headers[host]

    async def __aenter__(self) -> HttpChecker:
        s = self.settings
        self._in_flight = asyncio.Semaphore(max(1, s.max_concurrency))
        self._client = Client(s.user_agent, max_connections=s.max_concurrency)
        # Pages are scanned here, off the event loop: other requests go on meanwhile.
        self._scanner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkcheck-scan")
        return self

    async def __aexit__(self, *exc) -> None:
        await self._client.close()
        self._scanner.shutdown(wait=False, cancel_futures=True)

    def gate(self, host: str) -> HostGate:
        gate = self.gates.get(host)
        if gate is None:
            s = self.settings
            gate = HostGate(host, s.host_concurrency, s.host_interval_ms / 1000)
            self.gates[host] = gate
        return gate

    # -- one request -----------------------------------------------------------------------

    async def _attempt(self, method: str, target: Target, gate: HostGate, later: str, page: bool):
        """One try; ``later`` is "" for a URL's first, "hop" after a redirect, else "retry"."""
        s = self.settings
        urgent = bool(later)
        while True:
            await gate.enter(spaced=later != "hop", urgent=urgent)
            try:
                async with self._in_flight:
                    if method == "HEAD" and gate.head_refused:  # learnt while this one waited
                        method = "GET"
                    start = time.perf_counter()  # uvloop's clock counts whole milliseconds
                    try:
                        answer = await self._client.request(
                            method,
                            target,
                            timeout=s.timeout_s,
                            page_limit=s.max_body_bytes if page else 0,
                            held=gate.paused,
                            headers=self.headers_for(target.host),
                        )
                    except Held:
                        urgent = True  # nothing was sent: wait out the pause at the gate
                        continue
                    except Exception as exc:  # sorted into a verdict by _failure
                        self.requests += 1
                        gate.record(time.perf_counter() - start, None)
                        return _failure(exc, gate.stats.host)
                    self.requests += 1
                    gate.record(time.perf_counter() - start, answer.status)
                    if answer.body is not None:
                        left = s.timeout_s - (time.perf_counter() - start)
                        answer.anchors = await self._scan(answer.body, left)
                    return answer
            finally:
                gate.leave()

    async def _scan(self, body: bytes, seconds: float) -> set[str] | None:
        """The page's anchors, or None when the request's deadline passes first."""
        if seconds <= 0:
            return None
        scanning = asyncio.get_running_loop().run_in_executor(self._scanner, _scan_anchors, body)
        try:
            return await asyncio.wait_for(scanning, seconds)
        except (asyncio.TimeoutError, TimeoutError):
            return None

    async def _send(self, method: str, target: Target, gate: HostGate, hop: bool, page: bool):
        """One request with retries: backoff for transient failures, Retry-After when asked.

        ``hop``: the request follows a redirect, so its first try goes out at once.
        """
        s = self.settings
        for attempt in range(s.retries + 1):
            later = "retry" if attempt else "hop" if hop else ""
            outcome = await self._attempt(method, target, gate, later, page)
            last = attempt == s.retries
            if isinstance(outcome, _Failure):
                if not outcome.retryable or last:
                    return outcome
                if outcome.verdict != TIMEOUT:  # a timeout has already waited long enough
                    await asyncio.sleep(s.retry_wait_s * 2**attempt)
                continue
            if outcome.status not in TRANSIENT or last:
                if outcome.status < 400:
                    gate.relax()
                return outcome
            if wall(outcome.status, outcome.headers, outcome.start):
                return outcome  # a challenge stays a challenge however often it is asked
            wait = retry_after_s(outcome.headers.get("retry-after"))
            if wait is not None and wait > s.max_retry_after_s:
                return outcome
            backoff = s.retry_wait_s * 2**attempt
            if outcome.status in RATE_LIMITED:
                gate.back_off(wait if wait is not None else backoff)  # the gate does the waiting
            else:
                await asyncio.sleep(backoff)
        return outcome

    async def _ask(self, target: Target, gate: HostGate, hop: bool, page: bool):
        """One hop's answer: a GET, or a HEAD and a GET only where the host refuses HEAD."""
        if page or self.settings.method != "head" or gate.head_refused:
            return await self._send("GET", target, gate, hop, page)
        outcome = await self._send("HEAD", target, gate, hop, False)
        if isinstance(outcome, _Failure) or outcome.status not in HEAD_REFUSED:
            return outcome
        if outcome.status in (405, 501):  # the host says it does not do HEAD
            gate.head_refused = True
        answer = await self._send("GET", target, gate, True, False)
        if isinstance(answer, Response) and answer.status < 400:
            gate.head_refused = True  # the URL that refused HEAD answers GET: so will others
        return answer

    # -- one URL ---------------------------------------------------------------------------

    async def fetch(self, url: str, want_anchors: bool = False) -> Fetch:
        """Follow ``url`` to a verdict: its redirects, with retries on each hop."""
        try:
            target = Target.of(url)
        except ValueError as exc:
            return Fetch(ERROR, detail=str(exc))
        start_requests = self.requests
        hops: list[tuple[int, str]] = []
        # A URL asked for again with new cookies is no loop: some sites set one, then
        # send the browser back to the same address.
        seen = {(url, self._client.cookies_for(url))}
        started_public: bool | None = None  # looked up at the first redirect
        while True:
            outcome = await self._ask(target, self.gate(target.host), bool(hops), want_anchors)
            if isinstance(outcome, _Failure):
                final = target.url if hops else None
                fetch = Fetch(outcome.verdict, detail=outcome.detail, final_url=final)
                break
            status = outcome.status
            location = outcome.headers.get("location")
            if status in REDIRECTS and location:
                following = target.join(location.strip())
                visit = (following, self._client.cookies_for(following))
                if visit in seen:
                    chain = " → ".join([url] + [t for _, t in hops] + [following])
                    fetch = Fetch(BROKEN, status, f"redirect loop: {chain}", final_url=following)
                    break
                if len(hops) >= self.settings.max_redirects:
                    detail = f"more than {self.settings.max_redirects} redirects"
                    fetch = Fetch(BROKEN, status, detail, final_url=following)
                    break
                try:
                    next_target = Target.of(following)
                except ValueError as exc:
                    detail = f"redirect to {following}: {exc}"
                    fetch = Fetch(ERROR, status, detail, final_url=following)
                    break
                if started_public is None:
                    started_public = await self._non_public(target) is None
                refused = started_public and await self._non_public(next_target)
                if refused:
                    detail = (
                        f"redirect to {following} refused: {next_target.host} is a {refused} "
                        "address, and the link is on a public one"
                    )
                    fetch = Fetch(ERROR, status, detail, final_url=following)
                    break
                target = next_target
                hops.append((status, following))
                seen.add(visit)
                continue
            fetch = self._verdict(outcome, hops, target.host)
            break
        fetch.requests = self.requests - start_requests
        return fetch

    async def _non_public(self, target: Target) -> str | None:
        """The kind of the first non-public address among those a connection to ``target``
        would try (the same lookup the connection uses), or None. A host that cannot be
        looked up is left to its request, which reports that."""
        try:
            addresses = await self._client.addresses(target.host, target.port)
        except OSError:
            return None
        public = self.settings.public_networks
        return next(filter(None, (non_public(a, public) for a in addresses)), None)

    def _verdict(self, answer: Response, hops: list[tuple[int, str]], host: str) -> Fetch:
        """The verdict on the last answer; ``host`` answered it (its rule applies)."""
        status = answer.status
        final_url = hops[-1][1] if hops else None
        anchors = answer.anchors
        unscanned = answer.body is not None and anchors is None
        rule = self.settings.rule_for(host)
        accepted = self.settings.accept + (rule.accept if rule else ())
        if 200 <= status < 300 or status in accepted:
            chain = ", ".join(f"{code} → {target}" for code, target in hops)
            notes = [f"redirected: {chain}"] if hops else []
            verdict = OK
            if any(code in PERMANENT for code, _ in hops):
                notes, verdict = [f"moved permanently: {chain}"], REDIRECT
            if unscanned:
                notes.append("page not scanned within the timeout; fragment not checked")
            return Fetch(verdict, status, "; ".join(notes), final_url, anchors)
        who = wall(status, answer.headers, answer.start)
        if who:
            return Fetch(BLOCKED, status, wall_detail(status, who), final_url)
        if status == 429:
            wait = answer.headers.get("retry-after")
            seconds = retry_after_s(wait)
            if seconds is not None and seconds > self.settings.max_retry_after_s:
                ceiling = self.settings.max_retry_after_s
                why = f"asked to wait {seconds:g} s, more than the {ceiling:g} s ceiling"
            else:
                why = f"still rate-limited after {self.settings.retries} retries"
            asked = f" (Retry-After: {wait})" if wait else ""
            return Fetch(model.RATE_LIMITED, status, f"{_reason(status)}{asked}: {why}", final_url)
        if status in RATE_LIMITED:
            wait = answer.headers.get("retry-after")
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
