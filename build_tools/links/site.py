"""A built site's links and anchors, and the offline check of its internal links and #fragments.

Every HTML file under the site folder is parsed once: the parse yields the links the page
uses (with their line numbers) and the anchors it offers (``id`` attributes and ``<a name>``).
Internal links are then checked against the files alone: a directory URL needs its
``index.html``, a ``#fragment`` needs a matching anchor in the target page.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from build_tools.links.model import BROKEN, OK, SKIPPED, Link, LinkResult, Source

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
# What an href turns out to be.
EXTERNAL, INTERNAL, OTHER_SCHEME, IGNORE = "external", "internal", "other", "ignore"


@dataclass
class Page:
    """What one HTML page offers and uses: its anchors, and its links with their lines."""

    links: list[tuple[str, int]] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)


def parse_page(page: bytes | str) -> Page:
    """Anchors (``id``, ``<a name>``) and links (with line numbers) of an HTML page.

    The page is read by libxml2's HTML parser (through lxml), whose tokenizer follows
    HTML5's: script, style, textarea and title hold text, not tags; comments, quoted
    attribute values and character references end where a browser ends them; a tag left
    open runs to the end of the page. Its time grows with the page's length whatever the
    markup (a hand-written pattern took seconds on 24 KB of unclosed tags). A link's line is
    the line its tag ends on. Bytes are read as UTF-8, whatever the page declares.
    """
    from lxml import etree  # imported by the runs that read pages, not by every command

    data = page.encode("utf-8", "replace") if isinstance(page, str) else page
    found = Page()
    parser = etree.HTMLPullParser(events=("start",), encoding="utf-8", no_network=True)
    try:
        parser.feed(data)
        parser.close()
    except etree.XMLSyntaxError:
        pass  # nothing readable at all (an empty page): no links, no anchors
    for _event, element in parser.read_events():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        values = element.attrib  # names lower-case, the first of duplicates kept
        anchor = values.get("id") or (values.get("name") if tag == "a" else None)
        if anchor:
            found.anchors.add(anchor)
        wanted = LINK_ATTRIBUTES.get(tag)
        target = (values.get(wanted) or "").strip() if wanted else ""
        if not target:
            continue
        if tag == "link" and NOT_LINKS_REL & set((values.get("rel") or "").lower().split()):
            continue
        found.links.append((target, element.sourceline or 1))
    return found


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
        parsed = parse_page(page.read_bytes())
        scan.anchors[rel] = parsed.anchors
        for href, line in parsed.links:
            _classify(
                scan, rel, href, Source(f"{scan.shown_root}/{rel}", line), url_prefix, path_prefix
            )
    return scan


def _classify(
    scan: SiteScan, page: str, href: str, source: Source, url_prefix, path_prefix
) -> None:
    kind, url = _resolve(posixpath.dirname(page), href, url_prefix, path_prefix)
    if kind == IGNORE:
        return
    if kind == INTERNAL and not url.startswith("/"):  # "#part" or "": the page itself
        url = f"/{page}{url}"
    scan.add(url, source, internal=kind == INTERNAL, skip=kind == OTHER_SCHEME)


# Every page repeats the navigation's links: resolving each (folder, href) once is enough.
@functools.lru_cache(maxsize=1 << 16)
def _resolve(folder: str, href: str, url_prefix: str, path_prefix: str) -> tuple[str, str]:
    """(kind, url) of ``href`` in a page of ``folder``; an internal url without a path
    ("", "#part") refers to the page itself."""
    if url_prefix and href.startswith(url_prefix):
        href = path_prefix + href[len(url_prefix) :]
    if href.startswith("//"):
        href = "https:" + href
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in IGNORED_SCHEMES:
        return IGNORE, href
    if scheme in ("http", "https"):
        return EXTERNAL, href
    if scheme:
        return OTHER_SCHEME, href
    fragment = "#" + parts.fragment if parts.fragment or href.endswith("#") else ""
    path = unquote(parts.path)
    if not path:
        return INTERNAL, fragment
    if path.startswith("/"):
        stripped = path[len(path_prefix) :] if path.startswith(path_prefix) else path.lstrip("/")
        target = posixpath.normpath(stripped) if stripped else "."
    else:
        target = posixpath.normpath(posixpath.join(folder, path))
    if path.endswith("/") and target != ".":
        target += "/"
    return INTERNAL, "/" + ("" if target == "." else target) + fragment


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
    anchors = scan.anchors.get(rel)
    if anchors is None:
        detail = "not HTML; fragment not checked" if fragment else ""
        return LinkResult(link.url, OK, detail=detail, sources=sources)
    if not fragment_found(fragment, anchors):
        detail = f"no element with id '{unquote(fragment)}' in {rel}"
        return LinkResult(link.url, BROKEN, detail=detail, sources=sources)
    return LinkResult(link.url, OK, sources=sources)


def fragment_found(fragment: str, anchors: set[str]) -> bool:
    """Whether a page with these anchors has the place ``#fragment`` (as written) points to."""
    fragment = unquote(fragment)
    if fragment in IMPLICIT_FRAGMENTS or fragment.startswith(":~:"):  # top, or a text fragment
        return True
    # GitHub renders a README heading's id with a prefix and maps the bare name in script.
    return fragment in anchors or f"user-content-{fragment}" in anchors
