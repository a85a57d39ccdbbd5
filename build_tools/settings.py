"""The project's settings, read from ``mkdocs.yml`` without an engine.

Both engines read ``mkdocs.yml`` (Zensical reads the MkDocs format too), so it stays the one
place for settings: the site's own keys (``site_url``, ``docs_dir``, ``nav`` ...) and the
``tdl`` entry under ``plugins`` with its ``execute`` and ``linkcheck`` sections. This module
reads both with PyYAML alone, so commands such as ``linkcheck`` start quickly and behave
exactly as the build does; the MkDocs plugin validates its settings through the same
:func:`settings_from_mapping`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from build_tools.links.model import METHODS, VERDICTS, CheckSettings, HostRule, parse_duration

_LINKS = CheckSettings()  # the link checker's defaults live with its settings


@dataclass(frozen=True)
class ExecuteSettings:
    """Lesson execution (see :mod:`build_tools.lessons.execute`)."""

    enabled: bool = True
    jobs: int = 0  # kernels at once; 0 means one per CPU core
    cell_timeout: float = 120
    lesson_timeout: float = 600
    cache_dir: str = ".cache/tdl"
    # Longer text outputs are shortened on the page (the downloadable notebook keeps all).
    output_lines: int = 60
    # Branch holding the published site, where Colab finds the executed notebooks.
    colab_branch: str = "gh-pages"
    # The latest ``python -m build_tools sweep`` report: lesson pages say how widely their
    # claims were checked, the execution report shows its table. Absent: nothing is said.
    sweep_report: str = ".cache/tdl/reports/sweep.json"


@dataclass(frozen=True)
class LinkcheckSettings:
    """Link checking: politeness, patience, exclusions and the cache (flags override these)."""

    enabled: bool = True
    exclude: tuple[str, ...] = ()  # regexes; matching URLs are 'skipped'
    accept: tuple[int, ...] = ()  # extra statuses that count as ok
    fail_on: tuple[str, ...] = tuple(_LINKS.fail_on)
    max_concurrency: int = _LINKS.max_concurrency
    host_concurrency: int = _LINKS.host_concurrency
    host_interval_ms: float = _LINKS.host_interval_ms
    timeout_s: float = _LINKS.timeout_s
    retries: int = _LINKS.retries
    retry_wait_s: float = _LINKS.retry_wait_s
    max_retry_after_s: float = _LINKS.max_retry_after_s
    max_redirects: int = _LINKS.max_redirects
    method: str = _LINKS.method  # "get", or "head" (with GET where a host refuses HEAD)
    check_external_fragments: bool = _LINKS.check_external_fragments
    cache_ttl_hours: float = _LINKS.cache_ttl_hours
    cache: str = ".cache/tdl/links.json"
    user_agent: str = _LINKS.user_agent
    # A duration (1d, 36h, 0): how far apart two failures must be to confirm a break.
    confirm_after: float = _LINKS.confirm_after_s
    # Per host (and its subdomains): accept, exclude, headers; see _host_rules.
    hosts: tuple[HostRule, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The ``tdl`` settings of a project."""

    catalog: str = "resources.yml"
    lessons_dir: str = "lessons"  # under docs_dir
    # The generated source tree every engine renders (git-ignored).
    generated_dir: str = "generated"
    execute: ExecuteSettings = field(default_factory=ExecuteSettings)
    linkcheck: LinkcheckSettings = field(default_factory=LinkcheckSettings)


@dataclass(frozen=True)
class SiteSettings:
    """The engine-neutral keys of ``mkdocs.yml`` that the core needs."""

    site_name: str = ""
    site_url: str | None = None
    repo_url: str | None = None
    edit_uri: str | None = None
    docs_dir: str = "docs"
    site_dir: str = "site"
    use_directory_urls: bool = True
    nav: list | None = None  # a hand-written nav; None when the core builds it


@dataclass(frozen=True)
class ProjectConfig:
    """Everything read from one ``mkdocs.yml``: its path, the site keys, the tdl settings."""

    path: Path
    site: SiteSettings
    tdl: Settings

    @property
    def root(self) -> Path:
        return self.path.resolve().parent


class SettingsError(Exception):
    """mkdocs.yml could not be read, or the tdl settings in it are invalid."""


_CHOICES = {("linkcheck", "fail_on"): VERDICTS, ("linkcheck", "method"): METHODS}
_SECTIONS = {"ExecuteSettings": ExecuteSettings, "LinkcheckSettings": LinkcheckSettings}


def _check(value: Any, kind: Any, where: str) -> Any:
    """``value`` converted to the field type ``kind`` (a string annotation), or an error."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise SettingsError(f"{where}: expected true or false, got {value!r}")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise SettingsError(f"{where}: expected an integer, got {value!r}")
    if kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise SettingsError(f"{where}: expected a number, got {value!r}")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise SettingsError(f"{where}: expected a string, got {value!r}")
    if kind.startswith("tuple["):
        item = kind[len("tuple[") : -len(", ...]")]
        if not isinstance(value, list):
            raise SettingsError(f"{where}: expected a list, got {value!r}")
        return tuple(_check(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    raise AssertionError(kind)


_HOST_KEYS = ("accept", "exclude", "headers")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token


def _host_rules(value: Any, where: str) -> tuple[HostRule, ...]:
    """``hosts:`` — a mapping of host name to its ``accept``, ``exclude`` and ``headers``."""
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: expected a mapping of host names, got {value!r}")
    rules = []
    for host, rule in value.items():
        at = f"{where}.{host}"
        if not isinstance(host, str) or not host or "/" in host or ":" in host:
            raise SettingsError(f"{at}: expected a host name such as github.com")
        if not isinstance(rule, dict):
            raise SettingsError(f"{at}: expected a mapping with {', '.join(_HOST_KEYS)}")
        unknown = [k for k in rule if k not in _HOST_KEYS]
        if unknown:
            known = ", ".join(_HOST_KEYS)
            raise SettingsError(f"{at}.{unknown[0]}: unknown setting (known: {known})")
        accept = _check(rule.get("accept") or [], "tuple[int, ...]", f"{at}.accept")
        exclude = _check(rule.get("exclude") or [], "tuple[str, ...]", f"{at}.exclude")
        for i, pattern in enumerate(exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SettingsError(f"{at}.exclude[{i}]: bad pattern {pattern!r}: {exc}") from None
        headers = rule.get("headers") or {}
        if not isinstance(headers, dict):
            raise SettingsError(f"{at}.headers: expected a mapping of header names to values")
        pairs = []
        for name, text in headers.items():
            if not isinstance(name, str) or not _HEADER_NAME.match(name):
                raise SettingsError(f"{at}.headers: {name!r} is not a header name")
            if not isinstance(text, str) or "\r" in text or "\n" in text:
                raise SettingsError(f"{at}.headers.{name}: expected one line of text")
            pairs.append((name, text))
        rules.append(HostRule(host.lower().rstrip("."), accept, exclude, tuple(pairs)))
    return tuple(rules)


def _duration(value: Any, where: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None


# Settings read by a function of their own rather than by their field type.
_READERS = {("linkcheck", "hosts"): _host_rules, ("linkcheck", "confirm_after"): _duration}


def _section(cls, data: Any, where: str):
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise SettingsError(f"{where}: expected a mapping of settings, got {data!r}")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            names = ", ".join(known)
            raise SettingsError(f"{where}.{key}: unknown setting (known: {names})")
        kind = known[key].type
        reader = _READERS.get((where.rsplit(".", 1)[-1], key))
        if reader:
            values[key] = reader(value, f"{where}.{key}")
            continue
        if kind in _SECTIONS:
            values[key] = _section(_SECTIONS[kind], value, f"{where}.{key}")
            continue
        values[key] = _check(value, kind, f"{where}.{key}")
        choices = _CHOICES.get((where.rsplit(".", 1)[-1], key))
        if choices:
            given = values[key] if isinstance(values[key], tuple) else (values[key],)
            wrong = [v for v in given if v not in choices]
            if wrong:
                raise SettingsError(
                    f"{where}.{key}: {wrong[0]!r} is not one of {', '.join(choices)}"
                )
    return cls(**values)


# Where a build writes its generated tree, overriding ``generated_dir`` for one run: two
# builds of one project at once (tests, previews) each need a tree of their own.
TREE_ENV = "TDL_GENERATED_DIR"


def settings_from_mapping(data: Any, where: str = "tdl") -> Settings:
    """Validated settings from the plugin's mapping in mkdocs.yml (defaults for None);
    ``$TDL_GENERATED_DIR``, when set, replaces ``generated_dir``."""
    settings = _section(Settings, data, where)
    if os.environ.get(TREE_ENV):
        settings = dataclasses.replace(settings, generated_dir=os.environ[TREE_ENV])
    return settings


# -- reading mkdocs.yml --------------------------------------------------------------------


def _loader():
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        """Safe YAML that understands MkDocs' ``!ENV`` and passes over Python tags."""

    def env(loader, node):
        if isinstance(node, yaml.ScalarNode):
            names, default = [loader.construct_scalar(node)], None
        else:
            items = loader.construct_sequence(node)
            names, default = items[:-1], items[-1]
        for name in names:
            if name in os.environ:
                return yaml.safe_load(os.environ[name])
        return default

    def other(loader, suffix, node):
        return None  # e.g. !!python/name:...: an engine resolves it; the core never needs it

    Loader.add_constructor("!ENV", env)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", other)
    Loader.add_multi_constructor("!", other)
    return Loader


def _merge(parent: Any, child: Any) -> Any:
    """MkDocs' INHERIT: mappings merge key by key, anything else is replaced."""
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        for key, value in child.items():
            merged[key] = _merge(parent.get(key), value) if key in parent else value
        return merged
    return child


def read_yaml_config(path: Path) -> dict:
    """The mapping in an mkdocs.yml, with INHERIT resolved."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_loader()) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SettingsError(f"{where}: {problem}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str):
        data = _merge(read_yaml_config(path.parent / parent), data)
    return data


def plugin_mapping(plugins: Any) -> dict | None:
    """The ``tdl`` entry of an mkdocs.yml ``plugins`` list or mapping; None when absent."""
    if isinstance(plugins, dict):
        return plugins.get("tdl") or {} if "tdl" in plugins else None
    for entry in plugins or []:
        if entry == "tdl":
            return {}
        if isinstance(entry, dict) and "tdl" in entry:
            return entry["tdl"] or {}
    return None


def load_project(mkdocs_yml: str | Path = "mkdocs.yml") -> ProjectConfig:
    """The project described by an mkdocs.yml (defaults everywhere when it is absent)."""
    path = Path(mkdocs_yml)
    data = read_yaml_config(path) if path.is_file() else {}
    site = SiteSettings(
        site_name=str(data.get("site_name") or ""),
        site_url=data.get("site_url") or None,
        repo_url=data.get("repo_url") or None,
        edit_uri=data.get("edit_uri"),
        docs_dir=str(data.get("docs_dir") or "docs"),
        site_dir=str(data.get("site_dir") or "site"),
        use_directory_urls=data.get("use_directory_urls", True) is not False,
        nav=data.get("nav") or None,
    )
    try:
        tdl = settings_from_mapping(plugin_mapping(data.get("plugins")))
    except SettingsError as exc:
        raise SettingsError(f"{path}: invalid 'tdl' plugin settings: {exc}") from None
    return ProjectConfig(path=path, site=site, tdl=tdl)


def load_settings(mkdocs_yml: str | Path = "mkdocs.yml") -> Settings:
    """The tdl settings of an mkdocs.yml (defaults when the file is absent)."""
    return load_project(mkdocs_yml).tdl
