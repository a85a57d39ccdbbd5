"""The engine-neutral core of a build: validate, execute, render, write the generated tree.

``prepare`` takes a project (its ``mkdocs.yml``) and returns a :class:`Prepared` value: the
generated source tree on disk (:mod:`build_tools.site.tree`), the navigation, the reader's
asset URLs and the execution report. It imports no engine; the MkDocs plugin and the
Zensical build (:mod:`build_tools.engines`) render what it wrote. Problems stop it before
anything is written: catalog or lesson problems, a failing lesson (named with its cell),
a plot without alt text.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.lessons.discovery import Lesson
from build_tools.lessons.execute import (
    ExecuteOptions,
    Progress,
    cell_start_lines,
    execute_lessons,
    last_report_path,
    lesson_notebook,
)
from build_tools.lessons.report import SITE_REPORT, ExecutionReport, LessonRun
from build_tools.problems import Problem, display_path
from build_tools.settings import ProjectConfig
from build_tools.site import reader_assets
from build_tools.site.lesson_page import lesson_page
from build_tools.site.pages import (
    SiteModel,
    build_nav,
    execution_report_page,
    generated_pages,
    links_page,
)
from build_tools.site.source_links import rewrite_lesson_links
from build_tools.site.sweep_section import (
    SWEEP_REPORT,
    checked_phrases,
    current_keys,
    load_sweep,
    sweep_section,
)
from build_tools.site.tree import (
    CONFIG,
    DOCS,
    MANIFEST,
    OVERRIDES,
    TreeStats,
    TreeWriter,
    docs_files,
    redirect_html,
)


class PrepareError(Exception):
    """The site cannot be prepared; ``problems`` are located, ``report`` is the
    execution report when lessons ran."""

    def __init__(self, message: str, problems=(), report: ExecutionReport | None = None):
        super().__init__(message)
        self.problems = list(problems)
        self.report = report


@dataclass
class Prepared:
    """What an engine needs to render the site the core prepared."""

    project: ProjectConfig
    tree: Path  # generated/
    pages: list[str]  # Markdown pages of the tree (paths under docs/)
    files: list[str]  # every file of the tree's docs/, pages included
    generated: list[str]  # files of the tree that are not copies of docs/ files
    lesson_sources: dict[str, str]  # page path -> the lesson's source under docs/
    nav: list | None  # None when mkdocs.yml has its own nav
    css: list[str]
    js: list[str]
    report: ExecutionReport | None
    stats: TreeStats
    seconds: float
    lessons: list[Lesson] = field(default_factory=list)
    # What the lessons still lack (answers, quick checks, alt text): engines log these as
    # warnings, so a strict build refuses them and a preview shows the page regardless.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def docs(self) -> Path:
        return self.tree / DOCS

    @property
    def config_file(self) -> Path:
        return self.tree / CONFIG

    def summary(self) -> str:
        executed = cached = 0
        if self.report is not None:
            summary = self.report.summary()
            executed, cached = summary["executed"], summary["cached"]
        return (
            f"prepared {len(self.pages)} pages ({len(self.lessons)} lessons: {executed} "
            f"executed, {cached} cached) in {self.seconds:.1f} s; tree: "
            f"{self.stats.written} written, {self.stats.unchanged} unchanged, "
            f"{self.stats.removed} removed"
        )


def tree_path(project: ProjectConfig) -> Path:
    return (project.root / project.tdl.generated_dir).resolve()


def _check_tree_location(project: ProjectConfig, tree: Path, docs_dir: Path) -> None:
    resolved, docs, root = tree.resolve(), docs_dir.resolve(), project.root
    if resolved == root or resolved == docs or docs in resolved.parents:
        raise PrepareError(
            f"{display_path(project.path)}: tdl.generated_dir must be a folder of its own "
            f"outside {display_path(docs_dir, root)} (got {project.tdl.generated_dir!r})"
        )


def _run_lessons(project, lessons, progress, jobs, force) -> ExecutionReport | None:
    settings = project.tdl.execute
    if not settings.enabled or not lessons:
        return None
    options = ExecuteOptions.from_settings(settings, project.root, jobs=jobs, force=force)
    report = execute_lessons(lessons, options, project.root, progress=progress)
    report.write(last_report_path(options))
    if report.failures:
        raise PrepareError(
            "lesson execution failed:\n" + report.failure_message(),
            [run.problem() for run in report.failures],
            report=report,
        )
    return report


def _notebook(lesson: Lesson, run: LessonRun | None) -> dict:
    if run is not None and run.ok and run.entry_dir is not None:
        return json.loads((run.entry_dir / run.notebook).read_text(encoding="utf-8"))
    import nbformat  # not executed: the lesson as written, without outputs

    return json.loads(nbformat.writes(lesson_notebook(lesson)))


def _render_lessons(project, model, runs, writer, root, problems) -> dict[str, str]:
    """Every lesson page into the writer; returns page path -> source path under docs/.
    What the rendering finds lacking (a plot without alt text) goes to ``problems``."""
    sources = {}
    docs_dir = project.root / project.site.docs_dir
    for lesson in model.lessons:
        run = runs.get(lesson.id)
        notebook = _notebook(lesson, run)
        page = lesson_page(
            lesson,
            notebook,
            run,
            model,
            repo_url=project.site.repo_url,
            colab_branch=project.tdl.execute.colab_branch,
            output_lines=project.tdl.execute.output_lines,
        )
        if page.problems:
            source = lesson.path.read_text(encoding="utf-8")
            starts = cell_start_lines(source, len(notebook.get("cells", []))) or []
            shown = display_path(lesson.path, root)
            for cell, message in page.problems:
                line = starts[cell - 1] if 0 < cell <= len(starts) else 1
                problems.append(Problem(shown, line, 1, f"cell {cell}: {message}"))
        writer.add(f"{DOCS}/{page.src_uri}", page.markdown)
        for rel, data in page.files.items():
            writer.add(f"{DOCS}/{rel}", data)
        sources[page.src_uri] = lesson.path.relative_to(docs_dir).as_posix()
    return sources


def _redirects(model: SiteModel, writer: TreeWriter, directory_urls: bool) -> dict[str, str]:
    """A page at each address a renamed lesson had; returns old item -> new item."""
    moved = {}
    for lesson in model.lessons:
        new_dir = posixpath.dirname(lesson.doc_path)
        stem = posixpath.basename(lesson.id)
        for alias in lesson.meta.aliases:
            old = f"lessons/{alias}"
            if directory_urls:
                target = posixpath.relpath(f"lessons/{lesson.id}", old) + "/"
                writer.add(f"{DOCS}/{old}/index.html", redirect_html(target, lesson.title))
            else:
                target = posixpath.relpath(f"{new_dir}/{stem}.html", posixpath.dirname(old))
                writer.add(f"{DOCS}/{old}.html", redirect_html(target, lesson.title))
            moved[f"lesson:{alias}"] = f"lesson:{lesson.id}"
    return moved


def engine_config(project: ProjectConfig, tree: Path, nav: list | None, css, js) -> str:
    """``generated/mkdocs.yml``: the project's settings, pointed at the generated tree.

    INHERIT keeps every setting of the project's mkdocs.yml; lists such as ``extra_css``
    are appended to its own by engines that merge inherited settings (Zensical does).
    """
    parent = os.path.relpath(project.path.resolve(), tree.resolve())
    config: dict = {"INHERIT": parent, "docs_dir": DOCS, "site_dir": "site"}
    if project.site.site_url:
        config["site_url"] = project.site.site_url
    if nav is not None:
        config["nav"] = nav
    config["extra_css"] = css
    config["extra_javascript"] = js
    config["theme"] = {"custom_dir": OVERRIDES}
    header = (
        "# Written by `python -m build_tools prepare` for engines that run no MkDocs\n"
        "# plugins (Zensical): the project's mkdocs.yml, pointed at the generated tree.\n"
    )
    return header + json.dumps(config, indent=1, ensure_ascii=False) + "\n"


def _overrides(project: ProjectConfig, writer: TreeWriter) -> None:
    """The theme overrides: ours, then the project's own custom_dir over them."""
    sources = [reader_assets.theme_dir()]
    from build_tools.settings import read_yaml_config

    custom = None
    if project.path.is_file():
        theme = read_yaml_config(project.path).get("theme")
        custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom:
        sources.append(project.root / custom)
    for source in sources:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                writer.add(f"{OVERRIDES}/{path.relative_to(source).as_posix()}", path)


def prepare(
    project: ProjectConfig,
    progress: Progress | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> Prepared:
    """Validate, execute (cached) and write the generated tree; see the module docstring."""
    from build_tools.links.cache import load_link_results
    from build_tools.links.report import render_link_health_markdown
    from build_tools.validation import validate_project

    started = time.monotonic()
    root = project.root
    tdl = project.tdl
    docs_dir = root / project.site.docs_dir
    tree = tree_path(project)
    _check_tree_location(project, tree, docs_dir)
    found = validate_project(
        root / tdl.catalog, docs_dir / tdl.lessons_dir, root, root / tdl.execute.cache_dir
    )
    if found.problems:
        raise PrepareError("the catalog or lessons have problems", found.problems)
    links = load_link_results(root / tdl.linkcheck.cache) if tdl.linkcheck.enabled else {}
    report = _run_lessons(project, found.lessons, progress, jobs, force)
    runs = report.by_id() if report is not None else {}
    sweep = load_sweep(root / tdl.execute.sweep_report)
    swept_keys = current_keys(found.lessons) if sweep is not None else {}
    for lesson_id, phrase in checked_phrases(sweep, swept_keys).items():
        if lesson_id in runs:
            runs[lesson_id].checked = phrase
    cache_root = root / tdl.execute.cache_dir
    model = SiteModel.build(
        found.catalog, found.lessons, links=links, sections_cache=cache_root / "sections"
    )
    writer = TreeWriter(tree)
    copies = docs_files(docs_dir, skip={lesson.path for lesson in found.lessons})
    lesson_files = {lesson.path.relative_to(docs_dir).as_posix() for lesson in found.lessons}
    for rel, path in copies.items():
        if rel.endswith(".md"):
            text = path.read_text(encoding="utf-8")
            writer.add(f"{DOCS}/{rel}", rewrite_lesson_links(text, rel, lesson_files))
        else:
            writer.add(f"{DOCS}/{rel}", path)
    existing = set(copies)
    for page in generated_pages(model, existing):
        writer.add(f"{DOCS}/{page.src_uri}", page.content)
    if report is not None:
        page = execution_report_page(report)
        content = page.content
        if sweep is not None:
            content += sweep_section(sweep, swept_keys)
            writer.add(f"{DOCS}/{SWEEP_REPORT.as_posix()}", json.dumps(sweep.to_json()) + "\n")
        if page.src_uri not in existing:
            writer.add(f"{DOCS}/{page.src_uri}", content)
        writer.add(f"{DOCS}/{SITE_REPORT.as_posix()}", report.to_json_text())
    if tdl.linkcheck.enabled and links_page.src_uri not in existing:
        writer.add(f"{DOCS}/{links_page.src_uri}", render_link_health_markdown(links))
    warnings = list(found.incomplete)
    rendered: list[Problem] = []
    sources = _render_lessons(project, model, runs, writer, root, rendered)
    # A plot the source check already reported needs no second message from the rendering.
    flagged = {(p.path, p.line) for p in warnings}
    warnings += [p for p in rendered if (p.path, p.line) not in flagged]
    moved = _redirects(model, writer, project.site.use_directory_urls)
    joined = reader_assets.bundles({"aliases": moved} if moved else None)
    for rel, content in reader_assets.asset_files(joined).items():
        if rel not in existing:
            writer.add(f"{DOCS}/{rel}", content)
    css, js = reader_assets.stylesheet_urls(joined), reader_assets.script_urls(joined)
    in_tree = {rel[len(DOCS) + 1 :] for rel in writer.files if rel.startswith(DOCS + "/")}
    pages = sorted(rel for rel in in_tree if rel.endswith(".md"))
    nav = None if project.site.nav else build_nav(model, set(pages))
    _overrides(project, writer)
    writer.add(CONFIG, engine_config(project, tree, nav, css, js))
    generated = sorted(in_tree - existing)
    manifest = {"pages": pages, "generated": generated, "lesson_sources": sources, "nav": nav}
    writer.add(MANIFEST, json.dumps(manifest, indent=1) + "\n")
    stats = writer.sync()
    return Prepared(
        project=project,
        tree=tree,
        pages=pages,
        files=sorted(in_tree),
        generated=generated,
        lesson_sources=sources,
        nav=nav,
        css=css,
        js=js,
        report=report,
        stats=stats,
        seconds=time.monotonic() - started,
        lessons=found.lessons,
        warnings=sorted(warnings),
    )
