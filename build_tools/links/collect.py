"""The collect stage: every URL of the catalog (with its ``resources.yml:LINE``) as a Link."""

from __future__ import annotations

from pathlib import Path

from build_tools.links.model import Link, Source


def collect_catalog(path: str | Path, display: str | None = None) -> dict[str, Link]:
    """The catalog's URLs, each with the line of its ``url:`` and the resource id.

    Raises :class:`CatalogError` (every problem, located) when the catalog is invalid.
    """
    # Imported here: building the pydantic models costs a tenth of a second that runs
    # checking only a built site should not pay.
    from build_tools.catalog.model import CatalogError, validate
    from build_tools.catalog.yamlsource import YamlSourceError, load_file

    try:
        located = load_file(path, display)
    except YamlSourceError as exc:
        raise CatalogError(exc.problems) from None
    catalog = validate(located)
    links: dict[str, Link] = {}
    for index, resource in enumerate(catalog.resources):
        line, _col = located.where(("resources", index, "url"))
        link = links.setdefault(resource.url, Link(resource.url))
        link.sources.add(Source(located.path, line, resource.id))
    return links


def merge(*tables: dict[str, Link]) -> dict[str, Link]:
    """One table from several collectors: a URL used in several places is checked once."""
    merged: dict[str, Link] = {}
    for table in tables:
        for url, link in table.items():
            into = merged.setdefault(url, Link(url, internal=link.internal))
            into.sources |= link.sources
    return merged
