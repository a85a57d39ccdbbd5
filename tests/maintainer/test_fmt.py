"""``fmt``: canonical catalog text that keeps comments, is idempotent and loads unchanged."""

from __future__ import annotations

import json
import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.catalog.format import format_text
from build_tools.catalog.model import validate
from build_tools.catalog.yamlsource import load_text
from tests.conftest import ROOT, STAGES_YAML, catalog_yaml, resource_yaml, run_cli

SCHEMA_LINE = "# yaml-language-server: $schema=./resources.schema.json"

# Stages 3 to 6 as the small valid catalog has them, tidy already.
LATER_STAGES = STAGES_YAML[STAGES_YAML.index("  - number: 3") :]
TRAVELLER = "# Later stage first in the file; this comment travels with its resource."
UNTIDY = f"""\
{SCHEMA_LINE}
stages:
  - {{number: 1, title: Practical encounter, goal: Train a model., outcomes: [Train a classifier]}}
  - number: 2
    outcomes:
    - Multiply matrices
    goal: The maths.
    title: Foundations
{LATER_STAGES}resources:
  {TRAVELLER}
  - id: zeta-book
    title: 'Zeta: a # in the title'   # the hash is not a comment
    url: "https://example.org/zeta#part-2"
    kind: book
    stage: 2
    authors:
        - Ann Author
    free: yes
    level: advanced
    summary: A book.
  - title: Alpha course
    id: alpha-course  # id comes first once formatted
    url: https://example.org/alpha
    kind: course
    stage: 1
    authors: [Bob]
    free: "paid"
    level: beginner
    tags: [practice]
    # a note about the summary
    summary: "A course."
    est_hours: 2.5
# closing remark
"""


def test_fmt_rewrites_canonically_and_keeps_comments(write_catalog):
    path = write_catalog(UNTIDY)
    result = run_cli("fmt", "--catalog", str(path))
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == SCHEMA_LINE
    # Resources by stage then id, keys in canonical order, the group comment above its item.
    alpha = lines.index("  - id: alpha-course  # id comes first once formatted")
    zeta = lines.index("  - id: zeta-book")
    assert alpha < zeta
    assert lines[zeta - 1] == f"  {TRAVELLER}"
    assert lines[alpha + 1 : alpha + 9] == [
        "    title: Alpha course",
        "    url: https://example.org/alpha",
        "    kind: course",
        "    stage: 1",
        "    authors: [Bob]",
        "    free: paid",
        "    level: beginner",
        "    tags: [practice]",
    ]
    assert "    # a note about the summary\n    summary: A course.\n" in text
    assert '    title: "Zeta: a # in the title"  # the hash is not a comment' in lines
    assert '    free: "yes"' in lines  # stays a string for YAML 1.1 readers too
    assert "    authors: [Ann Author]" in lines
    assert "  - number: 2\n    title: Foundations\n    goal: The maths.\n    outcomes:\n" in text
    assert lines[-1] == "# closing remark"
    check = run_cli("check", "--catalog", str(path), "--no-lessons")
    assert check.returncode == 0, check.stderr
    again = run_cli("fmt", "--catalog", str(path))
    assert again.returncode == 0 and "already formatted" in again.stdout
    assert path.read_text(encoding="utf-8") == text


def test_fmt_check_prints_a_diff_and_changes_nothing(write_catalog):
    path = write_catalog(UNTIDY)
    result = run_cli("fmt", "--check", "--catalog", str(path), "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith(f"--- {path}\n+++ {path} (formatted)\n@@ ")
    assert "+  - id: alpha-course  # id comes first once formatted" in result.stdout
    assert result.stderr.startswith(f"::error file={path},line=3,col=1::not canonically formatted")
    assert path.read_text(encoding="utf-8") == UNTIDY


def test_fmt_refuses_an_invalid_catalog(write_catalog):
    broken = catalog_yaml(resource_yaml(url="ftp://example.org/x"))
    path = write_catalog(broken)
    result = run_cli("fmt", "--catalog", str(path))
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "URL must start with http" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == broken


def test_repository_catalog_is_formatted():
    result = run_cli("fmt", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


# -- property: formatting is idempotent and never changes what the catalog says -----------

_words = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -_:#,'\"[]{}&*!|>%@`?.éü\\")), min_size=1, max_size=24
)
# Strings YAML readers like to reinterpret, and edge spacing the loader keeps when quoted.
_tricky = st.sampled_from(
    ["yes", "no", "on", "null", "~", "true", "0o17", "1e3", "12", ".inf", "- x"]
)
_text = st.one_of(_words, _tricky).filter(lambda s: s.strip())
_slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)


@st.composite
def catalogs(draw):
    stages = []
    for number in range(1, 7):
        capstone = number in (4, 6)
        stage = {
            "number": number,
            "title": draw(_text),
            "goal": draw(_text),
            "outcomes": draw(st.lists(_text, min_size=1, max_size=3)),
        }
        if capstone or draw(st.booleans()):
            stage["capstone"] = capstone
        if capstone:
            stage["rules"] = draw(st.lists(_text, min_size=1, max_size=2))
        stages.append(stage)
    ids = draw(st.lists(_slug, min_size=1, max_size=6, unique=True))
    resources = []
    for rid in ids:
        resource = {
            "id": rid,
            "title": draw(_text),
            "url": "https://example.org/" + draw(st.sampled_from(["", "a#frag", "x?q=1,2"])),
            "kind": draw(st.sampled_from(["course", "book", "dataset"])),
            "stage": draw(st.integers(1, 6)),
            "authors": draw(st.lists(_text, min_size=1, max_size=3)),
            "free": draw(st.sampled_from(["yes", "audit", "paid"])),
            "level": draw(st.sampled_from(["beginner", "advanced"])),
            "summary": draw(_text),
        }
        if draw(st.booleans()):
            resource["tags"] = draw(st.lists(_slug, max_size=12))
        if draw(st.booleans()):
            resource["est_hours"] = draw(st.sampled_from([1, 2.5, 40, 0.25]))
        if draw(st.booleans()):
            resource["archived"] = draw(st.booleans())
        resources.append(resource)
    seed = draw(st.integers(0, 2**32 - 1))
    return {"stages": stages, "resources": resources}, seed


def _scalar(value, rnd: random.Random, flow: bool = False) -> str:
    """Some valid spelling of ``value``: plain when that reads back the same, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    spellings = [json.dumps(value, ensure_ascii=rnd.random() < 0.5)]
    if "'" not in value and "\\" not in value:
        spellings.append(f"'{value}'")
    probe, expected = (f"k: [{value}]\n", [value]) if flow else (f"k: {value}\n", value)
    try:
        if load_text(probe, "probe").data == {"k": expected}:
            spellings.append(value)
    except Exception:  # noqa: BLE001 - a plain spelling that does not parse is simply not used
        pass
    return rnd.choice(spellings)


def _untidy(data: dict, rnd: random.Random) -> str:
    """Serialise in a random non-canonical layout, with comments sprinkled in."""
    lines = [SCHEMA_LINE]
    for top in rnd.sample(["stages", "resources"], 2):
        lines.append(f"{top}:")
        items = list(data[top])
        if top == "resources":
            rnd.shuffle(items)
        for item in items:
            if rnd.random() < 0.3:
                lines.append(" " * rnd.randint(0, 4) + f"# about {item.get('id', 'a stage')}")
            keys = list(item)
            rnd.shuffle(keys)
            for n, key in enumerate(keys):
                value = item[key]
                head = ("  - " if n == 0 else "    ") + f"{key}:"
                if isinstance(value, list):
                    if not value or rnd.random() < 0.5:
                        body = ", ".join(_scalar(v, rnd, flow=True) for v in value)
                        lines.append(f"{head} [{body}]")
                    else:
                        lines.append(head)
                        lines += [f"      - {_scalar(v, rnd)}" for v in value]
                else:
                    lines.append(f"{head} {_scalar(value, rnd)}")
                if rnd.random() < 0.2:
                    lines[-1] += "   # note on " + key
    return "\n".join(lines) + "\n"


def _comments(text: str) -> list[str]:
    return sorted(re.findall(r"# (?:about|note on) [\w-]+", text))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_formatting_is_idempotent_and_preserves_the_catalog(case):
    data, seed = case
    source = _untidy(data, random.Random(seed))
    original = validate(load_text(source, "resources.yml"))
    once = format_text(source)
    assert format_text(once) == once
    formatted = validate(load_text(once, "resources.yml"))
    assert formatted.stages == original.stages
    assert formatted.resources == sorted(original.resources, key=lambda r: (r.stage, r.id))
    assert load_text(once, "x").data["resources"] == sorted(
        load_text(source, "x").data["resources"], key=lambda r: (r["stage"], r["id"])
    )
    assert _comments(once) == _comments(source)
    assert once.splitlines()[0] == SCHEMA_LINE


def test_repository_catalog_round_trips(tmp_path):
    text = (ROOT / "resources.yml").read_text(encoding="utf-8")
    assert format_text(text) == text
