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

from build_tools.links.model import VERDICTS, CheckSettings


class ExecuteConfig(base.Config):
    """Lesson execution (see ``build_tools.lessons.execute``)."""

    enabled = c.Type(bool, default=True)
    # Kernels at once; 0 means one per CPU core.
    jobs = c.Type(int, default=0)
    cell_timeout = c.Type((int, float), default=120)
    lesson_timeout = c.Type((int, float), default=600)
    cache_dir = c.Type(str, default=".cache/tdl")
    # Longer text outputs are shortened on the page (the downloadable notebook keeps all).
    output_lines = c.Type(int, default=60)
    # Branch holding the published site, where Colab finds the executed notebooks.
    colab_branch = c.Type(str, default="gh-pages")


_LINKS = CheckSettings()  # the link checker's defaults live with its settings


class LinkcheckConfig(base.Config):
    """Link checking: politeness, patience, exclusions and the cache (flags override these)."""

    enabled = c.Type(bool, default=True)
    exclude = c.ListOfItems(c.Type(str), default=[])  # regexes; matching URLs are 'skipped'
    accept = c.ListOfItems(c.Type(int), default=[])  # extra statuses that count as ok
    fail_on = c.ListOfItems(c.Choice(VERDICTS), default=list(_LINKS.fail_on))
    max_concurrency = c.Type(int, default=_LINKS.max_concurrency)
    host_concurrency = c.Type(int, default=_LINKS.host_concurrency)
    host_interval_ms = c.Type((int, float), default=_LINKS.host_interval_ms)
    timeout_s = c.Type((int, float), default=_LINKS.timeout_s)
    retries = c.Type(int, default=_LINKS.retries)
    retry_wait_s = c.Type((int, float), default=_LINKS.retry_wait_s)
    max_retry_after_s = c.Type((int, float), default=_LINKS.max_retry_after_s)
    max_redirects = c.Type(int, default=_LINKS.max_redirects)
    check_external_fragments = c.Type(bool, default=_LINKS.check_external_fragments)
    cache_ttl_hours = c.Type((int, float), default=_LINKS.cache_ttl_hours)
    cache = c.Type(str, default=".cache/tdl/links.json")
    user_agent = c.Type(str, default=_LINKS.user_agent)


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
