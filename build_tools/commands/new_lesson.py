"""``new-lesson``: start a lesson file from the template, numbered and named for its stage.

The file is ``docs/lessons/stage-N/NN-slug.py``: NN is the next number free across all
stages (lessons are numbered globally), the slug comes from the title. It cites the first
resource the stage page lists, so it passes ``check`` and runs as written.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from build_tools.catalog.model import CatalogError, load_catalog
from build_tools.commands.options import add_catalog_argument
from build_tools.lessons.discovery import lesson_files
from build_tools.problems import Problem, add_format_argument, print_problems

HELP = "create a lesson from the template"
MAX_SLUG = 48
_NUMBERED = re.compile(r"^(\d+)-")


def add_arguments(parser) -> None:
    parser.add_argument("--stage", type=int, required=True, choices=range(1, 7), metavar="N")
    parser.add_argument("--title", required=True, help="the lesson's title")
    add_catalog_argument(parser)
    parser.add_argument(
        "--lessons", default="docs/lessons", help="lessons folder (default: docs/lessons)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the lesson instead of writing it"
    )
    add_format_argument(parser)


def slugify(title: str) -> str:
    """``"Attention, from scratch!"`` -> ``attention-from-scratch``, cut at a word boundary."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def next_number(lessons_dir: Path) -> int:
    """One more than the highest lesson number in any stage folder."""
    numbers = [int(m.group(1)) for p in lesson_files(lessons_dir) if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=0) + 1


def render(title: str, stage: int, resource: str) -> str:
    env = Environment(
        loader=PackageLoader("build_tools.site", "templates"),
        autoescape=False,  # Python source, not HTML; the title enters YAML as a JSON string
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("lesson.py.j2").render(
        title=title,
        title_yaml=json.dumps(title, ensure_ascii=False),
        stage=stage,
        resource=resource,
    )


def _fail(message: str, fmt: str | None, path: str = "docs/lessons") -> int:
    print_problems([Problem(path, 1, 1, message)], fmt)
    return 1


def run(args) -> int:
    title = " ".join(args.title.split())
    slug = slugify(title)
    if not slug:
        return _fail(
            f"the title {args.title!r} has no letters or digits to name the file with", args.format
        )
    if len(title) > 160:
        return _fail("the title is longer than 160 characters", args.format)
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        print_problems(exc.problems, args.format)
        print("fix the catalog first: the lesson must cite one of its resources", file=sys.stderr)
        return 1
    cited = catalog.resources_for_stage(args.stage)
    if not cited:
        return _fail(
            f"stage {args.stage} has no resources in the catalog to cite", args.format, args.catalog
        )
    lessons_dir = Path(args.lessons)
    folder = lessons_dir / f"stage-{args.stage}"
    same_slug = sorted(folder.glob(f"[0-9]*-{slug}.py"))
    if same_slug:
        return _fail(
            f"stage-{args.stage} already has a lesson with this title",
            args.format,
            str(same_slug[0]),
        )
    path = folder / f"{next_number(lessons_dir):02d}-{slug}.py"
    text = render(title, args.stage, cited[0].id)
    if args.dry_run:
        print(f"would write {path}", file=sys.stderr)
        sys.stdout.write(text)
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        return _fail(f"{path} already exists; not overwriting it", args.format, str(path))
    print(f"wrote {path}")
    print(
        "next: write the lesson, then run `python -m build_tools check` and `python "
        + str(path)
        + "`"
    )
    return 0
