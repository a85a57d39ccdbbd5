"""The ProperDocs build: ProperDocs runs the ``tdl`` plugin exactly as MkDocs does.

ProperDocs continues MkDocs 1.x under its own name and loads the same plugins and themes:
once ``properdocs.replacement`` is imported, every ``mkdocs.*`` import resolves to the
matching ``properdocs.*`` module. So the build is MkDocs' own (:func:`build_site` in the
plugin's module), run after that switch: the plugin prepares the tree, Material renders it
with its own search index, and a failed build keeps the last good site.
"""

from __future__ import annotations

import sys
from pathlib import Path

PIN = "1.6.7"


class EngineError(Exception):
    """ProperDocs is missing, or MkDocs itself was loaded first in this process."""


def available() -> str | None:
    """ProperDocs' version when it is installed, else None."""
    try:
        import properdocs
    except ImportError:
        return None
    return properdocs.__version__


def _switch_to_properdocs() -> None:
    if available() is None:
        raise EngineError(
            f"ProperDocs is not installed: pip install 'top-down-deep-learning[properdocs]' "
            f"(properdocs=={PIN})"
        )
    loaded = sys.modules.get("mkdocs")
    if loaded is not None and not loaded.__name__.startswith("properdocs"):
        # The plugin's classes would then come from MkDocs while ProperDocs runs the build.
        raise EngineError("MkDocs is already loaded in this process; run ProperDocs in its own")
    import properdocs.replacement  # noqa: F401 - from here on mkdocs.* means properdocs.*


def build_site(
    config_file: str | Path = "mkdocs.yml",
    strict: bool = True,
    site_dir: str | None = None,
    site_url: str | None = None,
) -> int:
    """``properdocs build`` of the project's mkdocs.yml; 0 on success, 1 on a failed build."""
    _switch_to_properdocs()
    from build_tools.engines import mkdocs_plugin

    return mkdocs_plugin.build_site(config_file, strict, site_dir, site_url)
