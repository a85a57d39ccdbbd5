"""Configuration of the ``tdl`` MkDocs plugin in mkdocs.yml.

MkDocs reads the keys; the core validates the ``execute`` and ``linkcheck`` sections
(:func:`build_tools.settings.settings_from_mapping`), so the command line, the Zensical
build and the plugin accept exactly the same settings with the same messages.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from build_tools.settings import Settings

_DEFAULTS = Settings()


class TdlPluginConfig(base.Config):
    """Settings of the ``tdl`` plugin in mkdocs.yml."""

    catalog = c.Type(str, default=_DEFAULTS.catalog)
    lessons_dir = c.Type(str, default=_DEFAULTS.lessons_dir)
    generated_dir = c.Type(str, default=_DEFAULTS.generated_dir)
    execute = c.Type(dict, default={})
    linkcheck = c.Type(dict, default={})
