"""The ``tdl`` MkDocs plugin: a thin adapter that lets MkDocs render what the core prepared.

The core (:func:`build_tools.prepare.prepare`) validates the catalog and lessons, executes
the lessons (cached) and writes the generated tree; the plugin hands that tree to MkDocs:

- pre-build: prepare (a problem or a failing lesson stops the build, naming the file, the
  line and the cell), list the reader's assets and the theme overrides, set the nav, and
  point the build at a staging folder so a failed build keeps the last good site;
- files: add the tree's generated files (pages, lesson pages with their images and
  downloads, redirects, assets) beside the hand-written pages MkDocs found itself, and
  drop the lessons' ``.py`` sources, which are published beside their pages instead;
- post-page: pages lose their template indentation;
- post-build: the staging folder replaces the site;
- serve: the catalog is watched as well as ``docs/``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from build_tools.engines.mkdocs_config import TdlPluginConfig
from build_tools.lessons.page_parts import squeeze_whitespace
from build_tools.lessons.progress import TerminalProgress
from build_tools.prepare import Prepared, PrepareError, prepare
from build_tools.problems import format_problems
from build_tools.settings import ProjectConfig, SettingsError, SiteSettings, settings_from_mapping
from build_tools.site import reader_assets
from build_tools.site.publish import AtomicSite

log = logging.getLogger("mkdocs.plugins.tdl")


def _project(plugin_config, config) -> ProjectConfig:
    try:
        tdl = settings_from_mapping(dict(plugin_config))
    except SettingsError as exc:
        raise PluginError(f"invalid 'tdl' plugin settings: {exc}") from None
    site = SiteSettings(
        site_name=config.site_name,
        site_url=config.site_url,
        repo_url=config.repo_url,
        edit_uri=config.edit_uri,
        docs_dir=config.docs_dir,
        site_dir=config.site_dir,
        use_directory_urls=config.use_directory_urls,
        nav=config.nav,
    )
    return ProjectConfig(path=Path(config.config_file_path or "mkdocs.yml"), site=site, tdl=tdl)


def strict_warnings_pending() -> bool:
    """True when ``--strict`` counted warnings: the engine aborts right after post-build.

    MkDocs counts them on its ``mkdocs`` logger, ProperDocs on its ``properdocs`` logger."""
    from mkdocs.utils import CountHandler

    return any(
        isinstance(handler, CountHandler) and handler.get_counts()
        for name in ("mkdocs", "properdocs")
        for handler in logging.getLogger(name).handlers
    )


class TdlPlugin(BasePlugin[TdlPluginConfig]):
    """Builds the curriculum site from resources.yml and docs/lessons."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.prepared: Prepared | None = None
        self.site = AtomicSite(aborting=strict_warnings_pending)
        self.dirty = False

    def on_startup(self, *, command, dirty) -> None:
        self.dirty = dirty

    @event_priority(100)  # before anything writes to site_dir
    def on_pre_build(self, config) -> None:
        project = _project(self.config, config)
        progress = TerminalProgress(emit=log.info, show_cached=True)
        try:
            self.prepared = prepare(project, progress=progress)
        except PrepareError as exc:
            details = format_problems(exc.problems) if exc.problems else ""
            message = (
                str(exc)
                if str(exc).startswith("lesson execution failed")
                else (f"{exc}:\n{details}" if details else str(exc))
            )
            raise PluginError(message) from None
        for problem in self.prepared.warnings:
            log.warning(str(problem))  # --strict turns these into a failed build
        log.info(self.prepared.summary())
        self._configure(config)
        if not self.dirty:  # a dirty build updates the existing site in place
            self.site.begin(config)

    def _configure(self, config) -> None:
        prepared = self.prepared
        theme_dir = str(reader_assets.theme_dir())
        if theme_dir not in config.theme.dirs:
            # A project's own custom_dir stays first: its overrides win over ours.
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        present = {
            str(item).split("?")[0] for item in [*config.extra_css, *config.extra_javascript]
        }
        config.extra_css.extend(u for u in prepared.css if u.split("?")[0] not in present)
        config.extra_javascript.extend(u for u in prepared.js if u.split("?")[0] not in present)
        if prepared.nav is not None:
            config.nav = prepared.nav

    def on_files(self, files: Files, config) -> Files:
        """MkDocs renders the tree: its copies of the hand-written pages (where links to a
        lesson's source point at the lesson's page), the generated pages and files; the
        theme's own files stay. Lesson sources are published beside their pages instead."""
        prepared = self.prepared
        docs_root = Path(config.docs_dir).resolve()
        for file in list(files):
            if file.src_dir and Path(file.src_dir).resolve() == docs_root:
                files.remove(file)
        generated = set(prepared.generated)
        for rel in prepared.files:
            if files.get_file_from_path(rel) is not None:
                continue  # a theme file of the same path was there first
            file = File(
                rel,
                src_dir=str(prepared.docs),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            # "Edit this page" opens what a maintainer edits: the lesson's source, the
            # hand-written page; generated pages have nothing to edit.
            file.edit_uri = prepared.lesson_sources.get(rel) or (None if rel in generated else rel)
            files.append(file)
        return files

    def on_post_page(self, output, page, config):
        """Pages without their template indentation."""
        return squeeze_whitespace(output)

    @event_priority(-100)  # after every plugin has written its files
    def on_post_build(self, config) -> None:
        self.site.commit()

    def on_build_error(self, error) -> None:
        """Keep the last good site: drop the staging folder."""
        self.site.discard()

    def on_serve(self, server, config, builder):
        """Rebuild when the catalog changes, not only when docs/ does."""
        root = Path(config.config_file_path or ".").resolve().parent
        server.watch(str(root / self.config.catalog))
        return server


def build_site(
    config_file: str | Path = "mkdocs.yml",
    strict: bool = True,
    site_dir: str | None = None,
    site_url: str | None = None,
) -> int:
    """``mkdocs build`` as its command line runs it (its log included), with ``site_dir``
    and ``site_url`` overridable; 0 on success, 1 on a failed build. After
    ``properdocs.replacement`` these imports are ProperDocs' (see ``properdocs_build``)."""
    from mkdocs import __main__ as mkdocs_cli
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    state = mkdocs_cli.State()  # MkDocs' own log handler and format
    overrides = {k: v for k, v in {"site_dir": site_dir, "site_url": site_url}.items() if v}
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        state.logger.error(str(exc))
        return 1
    finally:
        del state
    return 0
