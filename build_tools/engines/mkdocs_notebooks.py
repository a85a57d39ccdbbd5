"""Executed lessons in the site: the plugin's side of execution, rendering and publishing.

The flow through one build, event by event:

- config: mkdocs-jupyter is told to render the page copies this module writes
  (``*.page.ipynb``), to leave execution to us, and not to copy sources itself;
- pre-build: every lesson is executed or taken from the cache; a failure stops the build;
- pre-page: a lesson page's source is pointed at its executed notebook (shortened outputs),
  so mkdocs-jupyter renders outputs while the URL stays that of the ``.py`` lesson;
- page content: the HTML is lightened (the site's own markup, images as files) and gets
  the downloads/Colab/runtime bar;
- page context: the search plugin indexes a flat view of the lesson (headings, prose,
  code), then the page gets its own HTML back;
- post-build: the downloads (``.py`` and executed ``.ipynb`` next to each page) and
  ``_reports/execution.json`` are written.

Lesson pages need no stylesheet or script of their own: the reader's assets
(:mod:`build_tools.site.reader_assets`) style the notebook markup and highlight its code.
"""

from __future__ import annotations

import logging
import posixpath
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import get_toc

from build_tools.lessons.cache import atomic_write
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.execute import ExecuteOptions, Progress, execute_lessons, last_report_path
from build_tools.lessons.notebook_html import lighten_cached, prune_lightened, toc_tokens
from build_tools.lessons.page_parts import (
    colab_url,
    insert_after_title,
    lesson_bar,
    page_notebook,
)
from build_tools.lessons.report import (
    SITE_REPORT,
    ExecutionReport,
    LessonRun,
    format_memory,
    format_seconds,
)
from build_tools.site.pages import GeneratedPage, relative_url, render

log = logging.getLogger("mkdocs.plugins.tdl")

PAGE_PATTERN = "*.page.ipynb"
REPORT_PAGE = "reports/execution.md"
JUPYTER_PLUGIN = "mkdocs-jupyter"


class _LogProgress(Progress):
    def start(self, total: int) -> None:
        if total:
            log.info("executing %d lesson(s)", total)

    def finished(self, run: LessonRun) -> None:
        device = run.device or "-"
        log.info("%s %s (%s, %s)", run.status, run.path, format_seconds(run.seconds), device)


class NotebookSite:
    """Per-build state: the lessons, their runs and their pages."""

    def __init__(self, settings, root: Path, lessons: list[Lesson]):
        self.settings = settings
        self.root = root
        self.options = ExecuteOptions.from_settings(settings, root)
        self.lessons = {lesson.doc_path: lesson for lesson in lessons}
        self.report: ExecutionReport | None = None
        self.runs: dict[str, LessonRun] = {}
        self.published: dict[str, str] = {}  # lesson id -> folder of its page in the site
        self.views: dict[str, tuple[str, str]] = {}  # src_uri -> (page HTML, search view)

    # -- config, pre-build ----------------------------------------------------------------

    def configure(self, config) -> None:
        """Make mkdocs-jupyter render our executed copies."""
        if not self.lessons:
            return
        jupyter = config.plugins.get(JUPYTER_PLUGIN)
        if jupyter is None:
            raise PluginError(
                f"the tdl plugin renders lessons through '{JUPYTER_PLUGIN}': "
                "list it under plugins in mkdocs.yml"
            )
        if PAGE_PATTERN not in jupyter.config["include"]:
            jupyter.config["include"].append(PAGE_PATTERN)
        # Lessons are executed (and cached) here; the sources are published here as well.
        jupyter.config["execute"] = False
        jupyter.config["include_source"] = False

    def execute(self) -> None:
        """Execute or fetch every lesson; stop the build naming each failing cell."""
        if not self.settings.enabled or not self.lessons:
            return
        report = execute_lessons(
            list(self.lessons.values()), self.options, self.root, progress=_LogProgress()
        )
        report.write(last_report_path(self.options))
        self.report = report
        if report.failures:
            raise PluginError("lesson execution failed:\n" + report.failure_message())
        self.runs = report.by_id()
        summary = report.summary()
        log.info(
            "lessons: %d executed, %d from cache in %.1f s",
            summary["executed"],
            summary["cached"],
            report.wall_seconds,
        )

    # -- files, pages ---------------------------------------------------------------------

    def report_page(self) -> GeneratedPage | None:
        if self.report is None:
            return None

        def url_to(run: LessonRun) -> str:
            return relative_url(f"lessons/{run.id}.py", REPORT_PAGE)

        content = render(
            "execution_report.md.j2",
            report=self.report,
            summary=self.report.summary(),
            url_to=url_to,
            seconds=format_seconds,
            memory=format_memory,
            json_url=posixpath.relpath(SITE_REPORT.as_posix(), "reports/execution"),
        )
        return GeneratedPage(REPORT_PAGE, content)

    def use_executed(self, page) -> None:
        """Point a lesson page at the copy of its executed notebook that the page shows."""
        lesson = self.lessons.get(page.file.src_uri)
        run = self.runs.get(lesson.id) if lesson else None
        if run is None or run.entry_dir is None:
            return
        executed = (run.entry_dir / run.notebook).read_bytes()
        shown = run.entry_dir / f"{lesson.path.stem}.page.ipynb"
        atomic_write(shown, page_notebook(executed, self.settings.output_lines))
        page.file.abs_src_path = str(shown)

    def page_content(self, html: str, page, config) -> str:
        """Lighten a lesson page and add its bar; other pages pass through."""
        lesson = self.lessons.get(page.file.src_uri)
        if lesson is None:
            return html
        light = lighten_cached(html, self.options.cache_root / "pages")
        # The front matter holds the lesson's title; the page's headings, its contents.
        page.title = lesson.title
        page.toc = get_toc(toc_tokens(light.search_html))
        folder = posixpath.dirname(page.file.dest_uri)
        target = Path(config.site_dir) / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, data in light.images.items():
            (target / name).write_bytes(data)
        self.published[lesson.id] = folder
        run = self.runs.get(lesson.id)
        stem = lesson.path.stem
        colab = None
        if run is not None:
            colab = colab_url(
                config.repo_url, self.settings.colab_branch, posixpath.join(folder, f"{stem}.ipynb")
            )
        bar = lesson_bar(f"{stem}.ipynb" if run else None, f"{stem}.py", colab, run)
        shown = insert_after_title(light.html, bar)
        self.views[page.file.src_uri] = (shown, light.search_html)
        return shown

    def show_search_view(self, page) -> None:
        """Give the search index the flat view of a lesson page (see notebook_html)."""
        if page.file.src_uri in self.views:
            page.content = self.views[page.file.src_uri][1]

    def show_page_view(self, page) -> None:
        """Put the page's own HTML back once the search index has read the flat view."""
        if page.file.src_uri in self.views:
            page.content = self.views[page.file.src_uri][0]

    # -- post-build -----------------------------------------------------------------------

    def publish(self, config) -> None:
        """Write each lesson's downloads and the JSON report."""
        site = Path(config.site_dir)
        by_id = {lesson.id: lesson for lesson in self.lessons.values()}
        for lesson_id, folder in self.published.items():
            lesson = by_id[lesson_id]
            target = site / folder
            shutil.copyfile(lesson.path, target / f"{lesson.path.stem}.py")
            run = self.runs.get(lesson_id)
            if run is not None and run.entry_dir is not None:
                shutil.copyfile(run.entry_dir / run.notebook, target / f"{lesson.path.stem}.ipynb")
        if self.report is not None:
            self.report.write(site / SITE_REPORT)
        prune_lightened(self.options.cache_root / "pages")
