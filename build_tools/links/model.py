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
# A bot wall (a challenge page, LinkedIn's 999) answered instead of the page: a reader's
# browser may well get through, so it is "could not be checked automatically", not broken.
BLOCKED = "blocked"
# The host kept answering 429, or asked for a pause longer than the run waits.
RATE_LIMITED = "rate-limited"
VERDICTS = (OK, REDIRECT, BROKEN, TIMEOUT, ERROR, SKIPPED, BLOCKED, RATE_LIMITED)
# What fails a run unless the settings say otherwise: everything a reader could not follow.
FAILING = (BROKEN, TIMEOUT, ERROR)
# A URL's history in the cache keeps this many checks (the newest).
HISTORY_KEPT = 50
DAY_S = 86400.0
# How a URL is asked: "get", one GET per URL and hop, its body read only for fragments;
# "head", HEAD, with GET where the host refuses HEAD.
METHODS = ("get", "head")

_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[smhdw]?)\s*$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": DAY_S, "w": 7 * DAY_S}


def parse_duration(text: str | float) -> float:
    """Seconds in a duration such as ``1d``, ``36h``, ``90m``, ``0`` or a plain number of
    seconds; ValueError naming what is accepted otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool) and text >= 0:
        return float(text)
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration (e.g. 1d, 36h, 90m, 0)")
    return float(match["n"]) * _UNIT_S[match["unit"]]


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
    # Earlier checks of the URL, oldest first, this one included once the check stage has
    # recorded it: (time, verdict, status).
    history: list[tuple[float, str, int | None]] = field(default_factory=list)
    # A failure is confirmed once the URL failed in two checks far enough apart (the
    # check stage decides); until then it is only "failing since" its first failure.
    confirmed: bool = True

    @property
    def failing(self) -> bool:
        return self.verdict in FAILING

    @property
    def failing_since(self) -> float | None:
        """When the URL's current run of failures began (None unless it fails now).

        Checks that prove nothing either way (blocked, rate-limited, skipped) neither
        begin nor end a run of failures.
        """
        if not self.failing:
            return None
        since = self.checked_at
        for at, verdict, _status in reversed(self.history):
            if verdict in (OK, REDIRECT):
                break
            if verdict in FAILING:
                since = at if since is None else min(since, at)
        return since

    @property
    def failing_since_date(self) -> str:
        """``failing_since`` as an ISO date (UTC), or ''."""
        return iso_date(self.failing_since)

    @property
    def last_ok(self) -> float | None:
        """When the URL last answered with its page (ok or a redirect), if ever."""
        times = [at for at, verdict, _s in self.history if verdict in (OK, REDIRECT)]
        if self.verdict in (OK, REDIRECT) and self.checked_at is not None:
            times.append(self.checked_at)
        return max(times) if times else None

    def confirm(self, confirm_after_s: float) -> None:
        """Decide ``confirmed``: a failure is confirmed once its run of failures spans
        ``confirm_after_s`` (0: at once)."""
        since = self.failing_since
        if since is None or self.checked_at is None or confirm_after_s <= 0:
            self.confirmed = True
            return
        self.confirmed = self.checked_at - since >= confirm_after_s

    @property
    def unconfirmed(self) -> bool:
        """A failure not yet confirmed: shown as "failing since DATE", never failing a run."""
        return self.failing and not self.confirmed

    @property
    def checked_date(self) -> str:
        """The check time as an ISO date (UTC), or '' when never checked."""
        return iso_date(self.checked_at)

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
            data["checked_at"] = iso_time(self.checked_at)
        if self.failing:
            data["confirmed"] = self.confirmed
            since = self.failing_since
            if since is not None:
                data["failing_since"] = iso_time(since)
        last_ok = self.last_ok
        if last_ok is not None:
            data["last_ok"] = iso_time(last_ok)
        return data


def iso_date(at: float | None) -> str:
    """``at`` (seconds since the epoch) as an ISO date in UTC, or '' for None."""
    if at is None:
        return ""
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d")


def iso_time(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class HostRule:
    """What one host (and its subdomains) gets besides the run's settings: statuses
    that count as ok, URL patterns to skip, headers to send (values may name environment
    variables as ``${NAME}``, read when the request is made and never reported)."""

    host: str
    accept: tuple[int, ...] = ()
    exclude: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    def covers(self, host: str) -> bool:
        host = host.lower()
        return host == self.host or host.endswith("." + self.host)


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
    # A failing URL counts as broken only once it failed in two checks this far apart.
    confirm_after_s: float = DAY_S
    host_rules: tuple[HostRule, ...] = ()

    def rule_for(self, host: str) -> HostRule | None:
        """The most specific host rule covering ``host`` (None when none does)."""
        rules = [r for r in self.host_rules if r.covers(host)]
        return max(rules, key=lambda r: len(r.host)) if rules else None


def now() -> float:
    """Wall-clock seconds, the unit of ``checked_at`` and the cache's TTL."""
    return time.time()
