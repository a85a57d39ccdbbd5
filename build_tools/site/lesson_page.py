"""One lesson's page in the generated tree: Markdown, its images, its downloads.

The page (``lessons/stage-N/NN-slug.md``, so its URL is the lesson's as ever) is the
executed notebook rendered by :mod:`build_tools.lessons.render`, with what the path adds
around it: under the title, the downloads (the ``.py`` source and the executed ``.ipynb``),
"Open in Colab" and how long the lesson ran on which device; then the lessons to read
first, the catalog resources it builds on, the pretrained models it loads (name, source,
license, parameters) and the packages it needs beyond the base set (which the downloaded
notebook installs in its first cell), and a "mark as done" box; at the end the same
box and the previous and next lessons of the path, which replace the theme's footer links
(those follow the navigation, overviews and guides included). Links are Markdown links
between source files, so each engine checks them and writes them for its URL style.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from build_tools.lessons.discovery import Lesson, PretrainedModel
from build_tools.lessons.download import downloadable_notebook
from build_tools.lessons.page_parts import colab_url, run_sentence
from build_tools.lessons.render import render_notebook
from build_tools.lessons.report import LessonRun
from build_tools.site.pages import ENV, SiteModel, md_link, meta_text
from build_tools.site.teaching_markup import TeachingTransform

_H1 = re.compile(r"^# .+$", re.MULTILINE)


@dataclass
class LessonPage:
    """The page's Markdown, the files beside it (paths in the tree) and problems found."""

    src_uri: str
    markdown: str
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _link(target: Lesson, page_uri: str) -> dict:
    return {"title": target.title, "href": md_link(target.doc_path, page_uri)}


def _bar(lesson: Lesson, run: LessonRun | None, folder: str, colab: str | None) -> str:
    stem = lesson.path.stem
    links = []
    if run is not None and run.ok:
        links.append(
            f"[Download notebook (.ipynb)]({folder}/{stem}.ipynb){{ .md-button download }}"
        )
    links.append(f"[Download script (.py)]({folder}/{stem}.py){{ .md-button download }}")
    if colab:
        links.append(f'[Open in Colab]({colab}){{ .md-button target="_blank" rel="noopener" }}')
    data = ""
    if run is not None and run.seconds is not None:
        data = f' data-seconds="{run.seconds:.1f}" data-device="{run.device or "cpu"}"'
    return (
        f'<div class="tdl-lesson-bar"{data} data-search-exclude markdown>\n\n'
        + " ".join(links)
        + f'\n\n<p class="tdl-lesson-run">{run_sentence(run)}</p>\n\n</div>'
    )


def parameter_count(count: int) -> str:
    """A parameter count as model cards write it: ``4.7 M``, ``22.7 M``, ``1.2 B``."""
    for size, unit in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return str(count)


def _model_card(model: PretrainedModel) -> dict:
    return {
        "name": model.name,
        "source": model.source,
        "license": model.license,
        "parameters": parameter_count(model.parameters),
    }


def _insert_after_title(body: str, fragment: str) -> str:
    found = _H1.search(body)
    if not found:
        return fragment + "\n\n" + body
    return body[: found.end()] + "\n\n" + fragment + "\n\n" + body[found.end() :].lstrip("\n")


def lesson_page(
    lesson: Lesson,
    notebook: dict,
    run: LessonRun | None,
    model: SiteModel,
    repo_url: str | None = None,
    colab_branch: str = "gh-pages",
    output_lines: int = 60,
) -> LessonPage:
    """The generated page of ``lesson`` from its notebook (executed when ``run`` is ok)."""
    src_uri = lesson.doc_path
    stem = lesson.path.stem
    folder_uri = posixpath.join(posixpath.dirname(src_uri), stem)
    rendered = render_notebook(
        notebook,
        folder=stem,
        output_lines=output_lines,
        transform_markdown=TeachingTransform(lesson.id, lesson.title),
    )
    executed = run is not None and run.ok and run.entry_dir is not None
    colab = None
    if executed:
        colab = colab_url(repo_url, colab_branch, posixpath.join(folder_uri, f"{stem}.ipynb"))
    path = model.lessons
    index = next(i for i, other in enumerate(path) if other.id == lesson.id)
    by_id = {other.id: other for other in path}
    parts = ENV.get_template("_lesson_extras.md.j2").module
    item = f"lesson:{lesson.id}"
    top = parts.top(
        item=item,
        before=[_link(by_id[p], src_uri) for p in lesson.meta.prerequisites if p in by_id],
        builds_on=[
            model.catalog.resources_by_id[rid]
            for rid in lesson.meta.resources
            if rid in model.catalog.resources_by_id
        ],
        models=[_model_card(pretrained) for pretrained in lesson.meta.models],
        requires=lesson.meta.requires,
    )
    bottom = parts.bottom(
        item=item,
        previous=_link(path[index - 1], src_uri) if index > 0 else None,
        following=_link(path[index + 1], src_uri) if index + 1 < len(path) else None,
    )
    body = _insert_after_title(
        rendered.markdown, _bar(lesson, run, stem, colab) + "\n\n" + str(top)
    )
    front = [
        "---",
        # The theme prints both into the page's head unescaped: they go in HTML-escaped.
        f"title: {meta_text(lesson.title)}",
        f"description: {meta_text(lesson.meta.summary)}",
        "hide:",
        "  - footer",
        f"tdl_lesson: {json.dumps(lesson.id)}",
        "---",
        "",
    ]
    files = {f"{folder_uri}/{name}": data for name, data in rendered.files.items()}
    files[f"{folder_uri}/{stem}.py"] = lesson.path.read_bytes()
    if executed:
        files[f"{folder_uri}/{stem}.ipynb"] = downloadable_notebook(
            (run.entry_dir / run.notebook).read_bytes(), lesson.meta.requires
        )
    markdown = "\n".join(front) + body.rstrip() + "\n\n" + str(bottom).strip() + "\n"
    return LessonPage(src_uri, markdown, files, rendered.problems)
