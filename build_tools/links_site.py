"""A built site's links and anchors, and the offline check of its internal links and #fragments.

Every HTML file under the site folder is parsed once: the parse yields the links the page
uses (with their line numbers) and the anchors it offers (``id`` attributes and ``<a name>``).
Internal links are then checked against the files alone: a directory URL needs its
``index.html``, a ``#fragment`` needs a matching anchor in the target page.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from build_tools.links_model import BROKEN, OK, SKIPPED, Link, LinkResult, Source

# Which attribute of which element names something a reader's browser would follow or load.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "embed": "src",
    "source": "src",
    "track": "src",
    "audio": "src",
    "video": "src",
}
# <link rel=preconnect href=https://fonts.gstatic.com> names a host to warm up, not a page.
NOT_LINKS_REL = {"preconnect", "dns-prefetch"}
# Not links at all: inline content, or schemes only the reader's browser can act on.
IGNORED_SCHEMES = {"data", "blob", "about"}
# Fragments a browser always honours without an element of that id.
IMPLICIT_FRAGMENTS = {"", "top"}
# Reports are written into the site after it is built; pages may link to them early.
LATE_FOLDERS = ("_reports/",)


class _PageParser(HTMLParser):
    """Collects (url, line) for each link and the set of anchors of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        wanted = LINK_ATTRIBUTES.get(tag)
        values = dict(attrs)
        anchor = values.get("id") or (values.get("name") if tag == "a" else None)
        if anchor:
            self.anchors.add(anchor)
        if wanted is None or not values.get(wanted):
            return
        if tag == "link" and NOT_LINKS_REL & set((values.get("rel") or "").lower().split()):
            return
        self.links.append((values[wanted].strip(), self.getpos()[0]))


def parse_page(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


@dataclass
class SiteScan:
    """What the built site holds: anchors per page, and every link (internal and external)."""

    root: Path
    shown_root: str
    anchors: dict[str, set[str]] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    skipped: dict[str, Link] = field(default_factory=dict)

    def add(self, url: str, source: Source, *, internal: bool = False, skip: bool = False) -> None:
        table = self.skipped if skip else self.links
        link = table.setdefault(url, Link(url, internal=internal))
        link.sources.add(source)


def _site_prefix(site_url: str | None) -> tuple[str, str]:
    """(absolute URL prefix, path prefix) under which the site is published, if known."""
    if not site_url:
        return "", "/"
    if not site_url.endswith("/"):
        site_url += "/"
    return site_url, urlsplit(site_url).path or "/"


def scan_site(site_dir: str | Path, site_url: str | None = None) -> SiteScan:
    """Parse every HTML page of the built site for its links and anchors."""
    root = Path(site_dir)
    scan = SiteScan(root=root, shown_root=str(site_dir).rstrip("/"))
    url_prefix, path_prefix = _site_prefix(site_url)
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        parsed = parse_page(page.read_text(encoding="utf-8", errors="replace"))
        scan.anchors[rel] = parsed.anchors
        for href, line in parsed.links:
            _classify(
                scan, rel, href, Source(f"{scan.shown_root}/{rel}", line), url_prefix, path_prefix
            )
    return scan


def _classify(
    scan: SiteScan, page: str, href: str, source: Source, url_prefix, path_prefix
) -> None:
    if url_prefix and href.startswith(url_prefix):
        href = path_prefix + href[len(url_prefix) :]
    if href.startswith("//"):
        href = "https:" + href
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in IGNORED_SCHEMES:
        return
    if scheme in ("http", "https"):
        scan.add(href, source)
        return
    if scheme:
        scan.add(href, source, skip=True)
        return
    path = unquote(parts.path)
    if not path:
        target = page
    elif path.startswith("/"):
        stripped = path[len(path_prefix) :] if path.startswith(path_prefix) else path.lstrip("/")
        target = posixpath.normpath(stripped) if stripped else "."
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") and target != ".":
        target += "/"
    url = "/" + ("" if target == "." else target)
    if parts.fragment or href.endswith("#"):
        url += "#" + parts.fragment
    scan.add(url, source, internal=True)


def check_internal(scan: SiteScan, link: Link) -> LinkResult:
    """The verdict on one internal link, from the files and anchors of the site alone."""
    path, _, fragment = link.url.partition("#")
    rel = path.lstrip("/")
    sources = sorted(link.sources)
    if rel.startswith("../") or rel == "..":
        return LinkResult(link.url, BROKEN, detail="points outside the site", sources=sources)
    if rel.startswith(LATE_FOLDERS):
        return LinkResult(link.url, SKIPPED, detail="written after the build", sources=sources)
    target = scan.root / rel
    if target.is_dir():
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
        target = scan.root / rel
        if not target.is_file():
            return LinkResult(link.url, BROKEN, detail="folder without index.html", sources=sources)
    elif not target.is_file():
        return LinkResult(link.url, BROKEN, detail="no such file in the site", sources=sources)
    fragment = unquote(fragment)
    if fragment in IMPLICIT_FRAGMENTS or fragment.startswith(":~:"):
        return LinkResult(link.url, OK, sources=sources)
    anchors = scan.anchors.get(rel)
    if anchors is None:
        return LinkResult(link.url, OK, detail="not HTML; fragment not checked", sources=sources)
    if fragment not in anchors:
        return LinkResult(
            link.url, BROKEN, detail=f"no element with id '{fragment}' in {rel}", sources=sources
        )
    return LinkResult(link.url, OK, sources=sources)
