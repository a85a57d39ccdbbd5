"""Configuration of the ``tdl`` MkDocs plugin: one sub-section per concern.

The same settings serve the command line: ``load_plugin_config`` reads them from
mkdocs.yml without building the site, so ``linkcheck`` or ``execute`` behave exactly as
the build does unless a flag overrides them.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.utils.yaml import yaml_load


class ExecuteConfig(base.Config):
    """Lesson execution."""

    enabled = c.Type(bool, default=True)


class LinkcheckConfig(base.Config):
    """Link checking."""

    enabled = c.Type(bool, default=True)


class TdlPluginConfig(base.Config):
    """Settings of the ``tdl`` plugin in mkdocs.yml."""

    catalog = c.Type(str, default="resources.yml")
    lessons_dir = c.Type(str, default="lessons")
    execute = c.SubConfig(ExecuteConfig)
    linkcheck = c.SubConfig(LinkcheckConfig)


class PluginConfigError(Exception):
    """mkdocs.yml could not be read, or the plugin settings in it are invalid."""


def _plugin_settings(plugins) -> dict:
    for entry in plugins or []:
        if entry == "tdl":
            return {}
        if isinstance(entry, dict) and "tdl" in entry:
            return entry["tdl"] or {}
    if isinstance(plugins, dict):
        return plugins.get("tdl") or {}
    return {}


def load_plugin_config(mkdocs_yml: str | Path = "mkdocs.yml") -> TdlPluginConfig:
    """The plugin's validated settings from mkdocs.yml (defaults when the file is absent)."""
    path = Path(mkdocs_yml)
    settings: dict = {}
    if path.is_file():
        try:
            with path.open("rb") as handle:
                data = yaml_load(handle) or {}
        except Exception as exc:  # mkdocs' loader raises several yaml/OS error types
            raise PluginConfigError(f"{path}: cannot read: {exc}") from None
        settings = _plugin_settings(data.get("plugins"))
    config = TdlPluginConfig(config_file_path=str(path))
    config.load_dict(settings)
    failed, warnings = config.validate()
    if failed:
        details = "; ".join(f"{key}: {err}" for key, err in failed)
        raise PluginConfigError(f"{path}: invalid 'tdl' plugin settings: {details}")
    return config
