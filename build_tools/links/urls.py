"""What an external URL is to the checker: where its requests go, and whether it can be asked.

A URL is parsed once into a :class:`Target` (scheme, host, port, the Host header and the
request path as HTTP/1.1 wants them); parsing a URL that has none says why it is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_NOT_URL_SAFE = re.compile(r"[^\x21-\x7e]+")


@dataclass(frozen=True)
class Target:
    """Where a URL's request goes and what it asks for."""

    url: str
    scheme: str
    host: str  # lower-case ASCII (IDNA for international names), no brackets around IPv6
    port: int
    authority: str  # the Host header
    path: str  # path and query, percent-encoded
    base: str  # scheme://netloc as written, to which a redirect's "/path" is relative

    @classmethod
    def of(cls, url: str) -> Target:
        """The target of ``url``; ValueError saying why when it is malformed."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"malformed URL: {exc}") from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(f"malformed URL: scheme '{parts.scheme}' is not http or https")
        host = parts.hostname
        if not host:
            raise ValueError("malformed URL: no host")
        if _SPACE_OR_CONTROL.search(url):
            raise ValueError("malformed URL: contains spaces or control characters")
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise ValueError(f"malformed URL: host name: {exc}") from None
        port = port or DEFAULT_PORTS[scheme]
        shown = f"[{host}]" if ":" in host else host
        authority = shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        if not path.isascii():
            path = _NOT_URL_SAFE.sub(lambda m: quote(m[0], safe=""), path)
        return cls(url, scheme, host, port, authority, path, f"{parts.scheme}://{parts.netloc}")

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port

    def join(self, location: str) -> str:
        """The URL a redirect's ``Location`` names, relative to this one."""
        if location.startswith("/") and not location.startswith("//"):
            return self.base + location  # the common case, without urljoin's full parse
        return urljoin(self.url, location)


def host_of(url: str) -> str:
    """The host name a URL's requests go to, lower-case ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
