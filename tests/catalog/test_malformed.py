"""Every malformed catalog gets exit 1 and a ``PATH:LINE:COL: message`` line at the right line."""

from __future__ import annotations

import re

import pytest

from tests.conftest import catalog_yaml, resource_yaml, run_cli

BASE_LINES = catalog_yaml("").count("\n")
FIRST = BASE_LINES + 1  # line of "- id:" of the first resource
# Offsets of each key inside a resource written by resource_yaml().
ID, TITLE, URL, KIND, STAGE, AUTHORS, FREE, LEVEL, TAGS, SUMMARY = range(10)


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def one_resource(**changes: str) -> str:
    """The base catalog with one resource, some of whose lines are replaced."""
    text = catalog_yaml(resource_yaml())
    for offset_name, new in changes.items():
        text = replace_line(text, FIRST + globals()[offset_name.upper()], new)
    return text


def two_resources(first: str, second: str) -> str:
    return catalog_yaml(first, second)


SECOND = FIRST + resource_yaml().count("\n")

CASES = [
    ("unknown-key", one_resource(tags="    colour: red"), FIRST + TAGS, "unknown key 'colour'"),
    (
        "stage-wrong-type",
        one_resource(stage="    stage: one"),
        FIRST + STAGE,
        "stage: Input should be a valid integer",
    ),
    (
        "stage-too-high",
        one_resource(stage="    stage: 7"),
        FIRST + STAGE,
        "stage: Input should be less than or equal to 6",
    ),
    (
        "stage-zero",
        one_resource(stage="    stage: 0"),
        FIRST + STAGE,
        "stage: Input should be greater than or equal to 1",
    ),
    (
        "stage-quoted",
        one_resource(stage='    stage: "1"'),
        FIRST + STAGE,
        "stage: Input should be a valid integer",
    ),
    (
        "javascript-url",
        one_resource(url="    url: javascript:alert(1)"),
        FIRST + URL,
        "URL must start with http:// or https:// (found javascript:)",
    ),
    ("data-url", one_resource(url="    url: data:text/html,hi"), FIRST + URL, "found data:"),
    ("file-url", one_resource(url="    url: file:///etc/passwd"), FIRST + URL, "found file:"),
    ("url-no-host", one_resource(url="    url: https://"), FIRST + URL, "URL must name a host"),
    (
        "url-space",
        one_resource(url='    url: "https://exa mple.org/"'),
        FIRST + URL,
        "URL must not contain spaces",
    ),
    (
        "url-bad-port",
        one_resource(url="    url: https://example.org:99999/"),
        FIRST + URL,
        "URL has an invalid port",
    ),
    (
        # Written into a Markdown link, it would end the link and add an event handler.
        "url-attribute-list",
        one_resource(url='    url: "https://example.org/a){onclick=alert(1)//"'),
        FIRST + URL,
        "URL must not contain ( ) { as written: percent-encode them",
    ),
    (
        "url-quote",
        one_resource(url="""    url: 'https://example.org/"onmouseover=alert(1)'"""),
        FIRST + URL,
        'URL must not contain " ( ) as written',
    ),
    (
        "url-angle-brackets",
        one_resource(url='    url: "https://example.org/<script>"'),
        FIRST + URL,
        "URL must not contain < > as written",
    ),
    (
        "url-control-character",
        one_resource(url='    url: "https://example.org/\\x1b[2J"'),
        FIRST + URL,
        "URL must not contain the control character U+001B",
    ),
    (
        "title-control-character",
        one_resource(title='    title: "Bell\\a"'),
        FIRST + TITLE,
        "title: must not contain the control character U+0007",
    ),
    (
        "summary-reversed-text",
        one_resource(summary='    summary: "Reads \\u202ereversed"'),
        FIRST + SUMMARY,
        "summary: must not contain the control character U+202E",
    ),
    (
        "empty-title",
        one_resource(title='    title: ""'),
        FIRST + TITLE,
        "title: String should have at least 1 character",
    ),
    (
        "blank-title",
        one_resource(title='    title: "   "'),
        FIRST + TITLE,
        "title: String should have at least 1 character",
    ),
    (
        "null-title",
        one_resource(title="    title:"),
        FIRST + TITLE,
        "title: Input should be a valid string",
    ),
    ("bad-slug", one_resource(id="  - id: Bad Id"), FIRST + ID, "id: must be a lowercase slug"),
    ("bad-kind", one_resource(kind="    kind: podcast"), FIRST + KIND, "kind: must be one of"),
    (
        "bad-free",
        one_resource(free="    free: maybe"),
        FIRST + FREE,
        "free: must be one of 'yes', 'audit' or 'paid' (found 'maybe')",
    ),
    ("free-boolean", one_resource(free="    free: true"), FIRST + FREE, "free: must be one of"),
    ("bad-level", one_resource(level="    level: expert"), FIRST + LEVEL, "level: must be one of"),
    (
        "authors-empty",
        one_resource(authors="    authors: []"),
        FIRST + AUTHORS,
        "authors: List should have at least 1 item",
    ),
    (
        "authors-string",
        one_resource(authors="    authors: Ada"),
        FIRST + AUTHORS,
        "authors: Input should be a valid list",
    ),
    (
        "missing-summary",
        one_resource(summary="    est_hours: 3"),
        FIRST,
        "missing required key 'summary'",
    ),
    (
        "negative-hours",
        one_resource(summary="    summary: s\n    est_hours: -2"),
        FIRST + SUMMARY + 1,
        "est_hours: Input should be greater than 0",
    ),
    (
        "archived-string",
        one_resource(summary='    summary: s\n    archived: "no"'),
        FIRST + SUMMARY + 1,
        "archived: Input should be a valid boolean",
    ),
    (
        "duplicate-key",
        one_resource(tags="    title: Again"),
        FIRST + TAGS,
        "duplicate key 'title' (first defined at line",
    ),
    (
        "duplicate-id",
        two_resources(resource_yaml(rid="same"), resource_yaml(rid="same", title="Other")),
        SECOND + ID,
        f"duplicate id 'same' (first used at line {FIRST})",
    ),
    (
        "dangling-prerequisite",
        one_resource(summary="    summary: s\n    prerequisites: [nowhere]"),
        FIRST + SUMMARY + 1,
        "unknown prerequisite id 'nowhere'",
    ),
    (
        "self-prerequisite",
        one_resource(summary="    summary: s\n    prerequisites: [first-course]"),
        FIRST + SUMMARY + 1,
        "a resource cannot require itself",
    ),
    (
        "prerequisite-cycle",
        two_resources(
            resource_yaml(rid="a-one").replace(
                "summary: A course.\n", "summary: s\n    prerequisites:\n      - b-two\n"
            ),
            resource_yaml(rid="b-two").replace(
                "summary: A course.\n", "summary: s\n    prerequisites:\n      - a-one\n"
            ),
        ),
        FIRST + SUMMARY + 2,
        "prerequisite cycle: a-one -> b-two -> a-one",
    ),
    (
        "unknown-top-key",
        catalog_yaml() + "extras: 1\n",
        BASE_LINES + resource_yaml().count("\n") + 1,
        "unknown key 'extras'",
    ),
    (
        "capstone-without-rules",
        catalog_yaml().replace("    rules: [Supervised problem]\n", ""),
        15,
        "a capstone stage needs its rules",
    ),
    (
        "stage-order",
        catalog_yaml().replace("  - number: 2\n", "  - number: 3\n", 1),
        7,
        "stages must be numbered 1 to 6 in order; expected 2, found 3",
    ),
    (
        "yaml-syntax",
        catalog_yaml() + "oops: [1, 2\n",
        BASE_LINES + resource_yaml().count("\n") + 1,
        "YAML syntax error: this flow sequence is never closed",
    ),
    (
        # The parser only notices at the end of the file; the quote opened on the title.
        "unclosed-quote",
        two_resources(resource_yaml(title='"First course'), resource_yaml(rid="second-course")),
        FIRST + TITLE,
        "YAML syntax error: this quoted scalar is never closed",
    ),
    (
        "tab-indent",
        catalog_yaml().replace("    kind: course", "\tkind: course"),
        FIRST + KIND,
        "a tab character; YAML is indented with spaces only",
    ),
    (
        "yaml-tag",
        one_resource(title="    title: !!python/name:os.system"),
        FIRST + TITLE,
        "YAML tags such as",
    ),
    (
        "two-documents",
        catalog_yaml() + "---\nmore: 1\n",
        BASE_LINES + resource_yaml().count("\n") + 1,
        "expected a single YAML document",
    ),
    ("empty-file", "", 1, "the catalog is empty"),
    ("comment-only", "# nothing here\n", 1, "the catalog is empty"),
    (
        "list-at-top",
        "- a\n- b\n",
        1,
        "the catalog must be a mapping with 'stages' and 'resources', found list",
    ),
    ("scalar-at-top", "just text\n", 1, "found str"),
    ("binary-garbage", b"\x00\x01\x02binary\x00", 1, "YAML syntax error"),
    ("not-utf8", b"stages:\n  - title: caf\xe9\n", 2, "file is not valid UTF-8 (byte 0xe9)"),
    ("utf16", "stages: []\n".encode("utf-16"), 1, "file is not valid UTF-8"),
    (
        "billion-laughs",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        1,
        "anchors and aliases are not allowed",
    ),
    ("deep-nesting", "x: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nesting deeper than 64 levels"),
    ("huge-file", b"# " + b"x" * (17 * 1024 * 1024), 1, "file is larger than 16 MiB"),
]


@pytest.mark.parametrize(
    ("content", "line", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_catalog_is_reported_at_its_line(write_catalog, content, line, message):
    path = write_catalog(content)
    result = run_cli("check", "--catalog", str(path), "--no-lessons")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [entry for entry in result.stderr.splitlines() if entry.startswith(str(path) + ":")]
    assert lines, result.stderr
    matching = [entry for entry in lines if message in entry]
    assert matching, f"no line with {message!r} in:\n{result.stderr}"
    reported_line = int(matching[0][len(str(path)) + 1 :].split(":")[0])
    assert reported_line == line, matching[0]


def test_all_problems_are_reported_at_once(write_catalog):
    text = one_resource(
        url="    url: javascript:x", kind="    kind: podcast", tags="    colour: red"
    )
    result = run_cli("check", "--catalog", str(write_catalog(text)), "--no-lessons")
    assert result.returncode == 1
    problems = [entry for entry in result.stderr.splitlines() if ".yml:" in entry]
    assert len(problems) == 3, result.stderr
    assert [int(p.split(":")[1]) for p in problems] == [FIRST + URL, FIRST + KIND, FIRST + TAGS]
    assert "3 problem(s) found" in result.stderr


def test_five_megabyte_garbage_fails_cleanly(write_catalog):
    garbage = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    path = write_catalog(garbage)
    result = run_cli("check", "--catalog", str(path), "--no-lessons")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: ", result.stderr), result.stderr[:300]


def test_missing_file_is_reported(tmp_path):
    result = run_cli("check", "--catalog", str(tmp_path / "absent.yml"), "--no-lessons")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'absent.yml'}:1:1: file not found")
