"""Plain values passed between the link checker's stages: links, their sources, settings, verdicts.

``collect`` produces :class:`Link` values (a URL and every place that uses it), ``check``
turns them into :class:`LinkResult` values (and :class:`HostStats`, what each host was
asked), ``report`` prints and writes those. Nothing here
does any work; the stages live in the ``collect``, ``site``, ``http`` and ``report`` modules.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

OK = "ok"
REDIRECT = "redirect"
BROKEN = "broken"
TIMEOUT = "timeout"
ERROR = "error"
SKIPPED = "skipped"
VERDICTS = (OK, REDIRECT, BROKEN, TIMEOUT, ERROR, SKIPPED)
# What fails a run unless the settings say otherwise: everything a reader could not follow.
FAILING = (BROKEN, TIMEOUT, ERROR)
# How a URL is asked: "get", one GET per URL and hop, its body read only for fragments;
# "head", HEAD, with GET where the host refuses HEAD.
METHODS = ("get", "head")

_SOURCE = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+))?(?: \((?P<label>[^()]*)\))?$")


@dataclass(frozen=True, order=True)
class Source:
    """A place that uses a link: a catalog entry or a page of the built site."""

    path: str
    line: int = 0
    label: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}" if self.line else self.path
        return f"{text} ({self.label})" if self.label else text

    @classmethod
    def parse(cls, text: str) -> Source:
        """The inverse of ``str()``, for sources read back from a cache or report."""
        match = _SOURCE.match(text)
        if not match:
            return cls(text)
        return cls(match["path"], int(match["line"] or 0), match["label"] or "")


@dataclass
class Link:
    """One URL to check and the sources that use it.

    ``internal`` links point into the built site and are checked against its files; their
    ``url`` is the site path (``/lessons/stage-1/01-digits/#questions``).
    """

    url: str
    sources: set[Source] = field(default_factory=set)
    internal: bool = False


@dataclass
class LinkResult:
    """The verdict on one link."""

    url: str
    verdict: str
    status: int | None = None
    detail: str = ""
    final_url: str | None = None
    checked_at: float | None = None
    sources: list[Source] = field(default_factory=list)
    # Whether the URL's #fragment was looked for in the page; a cached result made without
    # that check cannot stand in for one that needs it.
    fragment_checked: bool = False

    @property
    def failing(self) -> bool:
        return self.verdict in FAILING

    @property
    def checked_date(self) -> str:
        """The check time as an ISO date (UTC), or '' when never checked."""
        if self.checked_at is None:
            return ""
        return datetime.fromtimestamp(self.checked_at, timezone.utc).strftime("%Y-%m-%d")

    def with_sources(self, sources) -> LinkResult:
        return replace(self, sources=sorted(sources))

    def to_json(self) -> dict:
        """The report's shape: url, verdict, status, detail, sources (+ final_url, checked_at)."""
        data = {
            "url": self.url,
            "verdict": self.verdict,
            "status": self.status,
            "detail": self.detail,
            "sources": [str(s) for s in self.sources],
        }
        if self.final_url:
            data["final_url"] = self.final_url
        if self.checked_at is not None:
            data["checked_at"] = datetime.fromtimestamp(self.checked_at, timezone.utc).isoformat(
                timespec="seconds"
            )
        return data


@dataclass
class HostStats:
    """Requests sent to one host and how it answered."""

    host: str
    requests: int = 0
    # Requests without a usable answer (timeout, refused, TLS, reset) or with status >= 400.
    errors: int = 0
    rate_limited: int = 0  # 429 and 503 answers
    waited_s: float = 0.0  # time all requests to the host were paused because of them
    from_cache: int = 0  # URLs of the host answered from the verdict cache
    latencies: list[float] = field(default_factory=list)  # seconds, per answered request

    @property
    def median_ms(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle] * 1000
        return (ordered[middle - 1] + ordered[middle]) * 500

    def to_json(self) -> dict:
        median = self.median_ms
        return {
            "host": self.host,
            "requests": self.requests,
            "median_ms": round(median, 1) if median is not None else None,
            "errors": self.errors,
            "rate_limited": self.rate_limited,
            "rate_limit_wait_s": round(self.waited_s, 3),
            "from_cache": self.from_cache,
        }


@dataclass(frozen=True)
class CheckSettings:
    """How external links are checked; defaults are at least as polite as lychee's."""

    max_concurrency: int = 128
    host_concurrency: int = 10
    host_interval_ms: float = 50
    timeout_s: float = 20
    retries: int = 2
    retry_wait_s: float = 1.0
    max_retry_after_s: float = 60
    max_redirects: int = 10
    method: str = "get"  # one of METHODS
    check_external_fragments: bool = False
    max_body_bytes: int = 4 * 1024 * 1024
    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = ()
    fail_on: tuple[str, ...] = FAILING
    user_agent: str = "top-down-deep-learning-linkcheck/0.1 (+link health of a course site)"
    # Networks a redirect may lead to as if they were public (CIDR strings). Empty in every
    # real run; the tests name 127.0.0.2/32 so a loopback server can play a public host.
    public_networks: tuple[str, ...] = ()
    cache_ttl_hours: float = 24


def now() -> float:
    """Wall-clock seconds, the unit of ``checked_at`` and the cache's TTL."""
    return time.time()
