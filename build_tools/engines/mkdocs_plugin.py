"""The ``tdl`` MkDocs plugin: validates the catalog and lessons, adds the generated pages.

One event method per concern; the work itself lives in plain functions in ``catalog``,
``lessons`` and ``pages``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from build_tools.catalog.model import Catalog, CatalogError, load_catalog
from build_tools.engines.mkdocs_config import TdlPluginConfig
from build_tools.engines.mkdocs_notebooks import NotebookSite
from build_tools.lessons.discovery import Lesson, LessonError, cross_check, discover_lessons
from build_tools.lessons.page_parts import squeeze_whitespace
from build_tools.links.cache import load_link_results
from build_tools.links.report import render_link_health_markdown
from build_tools.problems import display_path, format_problems
from build_tools.site import reader_assets
from build_tools.site.lesson_extras import decorate_lesson_page
from build_tools.site.pages import SiteModel, build_nav, generated_pages
from build_tools.site.publish import AtomicSite

log = logging.getLogger("mkdocs.plugins.tdl")
LINKS_PAGE = "reports/links.md"


class TdlPlugin(BasePlugin[TdlPluginConfig]):
    """Builds the curriculum site from resources.yml and docs/lessons."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.lessons: list[Lesson] = []
        self.model: SiteModel | None = None
        self.links: dict = {}
        self.assets: dict[str, bytes] = {}
        self._user_nav = False
        self.notebooks: NotebookSite | None = None
        self.site = AtomicSite()
        self.dirty = False

    # -- paths -----------------------------------------------------------------------------

    def _root(self, config) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def catalog_path(self, config) -> Path:
        return self._root(config) / self.config.catalog

    def lessons_path(self, config) -> Path:
        return Path(config.docs_dir) / self.config.lessons_dir

    # -- events ----------------------------------------------------------------------------

    def on_startup(self, *, command, dirty) -> None:
        self.command = command
        self.dirty = dirty

    def on_config(self, config):
        """Load and validate the catalog and lessons; stop the build with located errors."""
        root = self._root(config)
        catalog_file = self.catalog_path(config)
        shown = display_path(catalog_file, root)
        problems = []
        try:
            self.catalog = load_catalog(catalog_file, shown)
        except CatalogError as exc:
            problems += exc.problems
        try:
            self.lessons = discover_lessons(self.lessons_path(config), root)
        except LessonError as exc:
            problems += exc.problems
            self.lessons = []
        if self.catalog is not None:
            problems += cross_check(self.lessons, self.catalog, root)
        if problems:
            raise PluginError("the catalog or lessons have problems:\n" + format_problems(problems))
        self.links = {}
        if self.config.linkcheck.enabled:  # catalog entries show their link's last verdict
            self.links = load_link_results(root / self.config.linkcheck.cache)
        self.notebooks = NotebookSite(self.config.execute, root, self.lessons)
        self.model = SiteModel.build(
            self.catalog,
            self.lessons,
            links=self.links,
            sections_cache=self.notebooks.options.cache_root / "sections",
        )
        # Joined once a build: the URLs listed now carry the digest of the files written later.
        self.assets = reader_assets.bundles()
        reader_assets.add_to_config(config, self.assets)
        self._user_nav = config.nav is not None
        self.notebooks.configure(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        """Add the generated pages (home, stages, catalog) as virtual files."""
        existing = {f.src_uri for f in files}
        for page in generated_pages(self.model, existing):
            files.append(File.generated(config, page.src_uri, content=page.content))
        for asset in reader_assets.asset_files(config, existing, self.assets):
            files.append(asset)
        report = self.notebooks.report_page() if self.notebooks else None
        if report is not None and report.src_uri not in existing:
            files.append(File.generated(config, report.src_uri, content=report.content))
        if LINKS_PAGE not in existing and self.config.linkcheck.enabled:
            # The last link check's verdicts, as cached by ``python -m build_tools linkcheck``
            # and read once in on_config.
            health = render_link_health_markdown(self.links)
            files.append(File.generated(config, LINKS_PAGE, content=health))
        if not self._user_nav:
            config.nav = build_nav(self.model, {f.src_uri for f in files})
        return files

    # -- executed lessons and the atomic site (notebook_site, atomic_site) ----------------

    @event_priority(100)  # before anything writes to site_dir
    def on_pre_build(self, config) -> None:
        """Build into a staging folder; execute every lesson, or take it from the cache."""
        if not self.dirty:  # a dirty build updates the existing site in place
            self.site.begin(config)
        self.notebooks.execute()

    @event_priority(50)  # before mkdocs-jupyter reads the page's source
    def on_pre_page(self, page, config, files):
        """Render a lesson from its executed notebook instead of its ``.py`` source."""
        self.notebooks.use_executed(page)
        return page

    def on_page_content(self, html, page, config, files):
        """Light lesson pages: the site's own markup, images as files, downloads and runtime."""
        return self.notebooks.page_content(html, page, config)

    @event_priority(50)  # before the search plugin indexes the page
    def _search_view(self, context, page, config, nav) -> None:
        self.notebooks.show_search_view(page)

    @event_priority(-50)  # after it
    def _page_view(self, context, page, config, nav) -> None:
        self.notebooks.show_page_view(page)

    @event_priority(-60)  # after the page has its own HTML back
    def _lesson_extras(self, context, page, config, nav) -> None:
        """Prerequisites, previous/next and "mark as done" on lesson pages."""
        decorate_lesson_page(page, nav, self.model)

    on_page_context = CombinedEvent(_search_view, _page_view, _lesson_extras)

    def on_post_page(self, output, page, config):
        """Pages without their template indentation."""
        return squeeze_whitespace(output)

    def _publish_lessons(self, config) -> None:
        self.notebooks.publish(config)

    @event_priority(-100)  # after every plugin has written its files
    def _publish_site(self, config) -> None:
        self.site.commit()

    on_post_build = CombinedEvent(_publish_lessons, _publish_site)

    def on_build_error(self, error) -> None:
        """Keep the last good site: drop the staging folder."""
        self.site.discard()

    def on_serve(self, server, config, builder):
        """Rebuild when the catalog changes, not only when docs/ does."""
        server.watch(str(self.catalog_path(config)))
        return server
