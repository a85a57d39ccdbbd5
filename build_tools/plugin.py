"""The ``tdl`` MkDocs plugin: validates the catalog and lessons, adds the generated pages.

One event method per concern; the work itself lives in plain functions in ``catalog``,
``lessons`` and ``pages``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from build_tools.catalog import Catalog, CatalogError, load_catalog
from build_tools.config import TdlPluginConfig
from build_tools.lessons import Lesson, LessonError, cross_check, discover_lessons
from build_tools.pages import SiteModel, build_nav, generated_pages
from build_tools.problems import format_problems

log = logging.getLogger("mkdocs.plugins.tdl")


class TdlPlugin(BasePlugin[TdlPluginConfig]):
    """Builds the curriculum site from resources.yml and docs/lessons."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.lessons: list[Lesson] = []
        self.model: SiteModel | None = None
        self._user_nav = False

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

    def on_config(self, config):
        """Load and validate the catalog and lessons; stop the build with located errors."""
        root = self._root(config)
        catalog_file = self.catalog_path(config)
        shown = _relative(catalog_file, root)
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
            raise PluginError(
                "the catalog or lessons have problems:\n" + format_problems(problems)
            )
        self.model = SiteModel.build(self.catalog, self.lessons)
        self._user_nav = config.nav is not None
        return config

    def on_files(self, files: Files, config) -> Files:
        """Add the generated pages (home, stages, catalog) as virtual files."""
        existing = {f.src_uri for f in files}
        for page in generated_pages(self.model, existing):
            files.append(File.generated(config, page.src_uri, content=page.content))
        if not self._user_nav:
            config.nav = build_nav(self.model, {f.src_uri for f in files})
        return files

    def on_serve(self, server, config, builder):
        """Rebuild when the catalog changes, not only when docs/ does."""
        server.watch(str(self.catalog_path(config)))
        return server


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
