"""Page scanning takes time in proportion to the page, whatever its markup.

A page can be written to make a scanner retry from every ``<``: tags that never close,
attributes that never end, comments inside comments. Each shape drawn here is repeated to
n and to 4n characters and scanned; linear scanning takes about 4 times as long for 4n,
quadratic about 16 times. The bound (8) is generous, and no absolute time is asserted.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.links.site import parse_page

# Pieces of markup that leave a tokenizer waiting for something that never comes.
PIECES = [
    "<a ",  # a tag that never closes
    "<a href=",  # an attribute with no value yet
    ' x="',  # a quoted value that never ends
    " y='",
    "<!--",  # a comment that never ends, or comments inside comments
    "<!-- <!-- -->",
    "<!",  # a declaration
    "<?",  # a processing instruction
    "</a ",  # an end tag that never closes
    "&#",  # a character reference with no digits
    "<script>",  # raw text that never ends
    "<textarea>",
    "<a id=",
    "<",
    "=",
    "\n",
]
N = 24_000  # characters: the size at which the former pattern-based scanner took 4 s


def _seconds(page: str) -> float:
    """Best of three CPU times for scanning ``page``, so other work on the machine counts
    little."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        parse_page(page)
        best = min(best, time.process_time() - start)
    return best


def _repeated(unit: str, size: int) -> str:
    return unit * (size // len(unit) + 1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join))
def test_scanning_time_grows_linearly_on_adversarial_markup(unit):
    small, large = _repeated(unit, N), _repeated(unit, 4 * N)
    small_s = max(_seconds(small), 1e-4)  # below a tenth of a millisecond, timer noise rules
    assert _seconds(large) / small_s < 8, f"scanning {unit!r} * n grows faster than n"


def test_tags_that_never_close_are_read_as_a_browser_reads_them():
    # Up to the next ">" it is all one tag; "<a" and "<h2" are (odd) attribute names.
    page = parse_page("<p id=before>" + "<a " * 50_000 + "href=/x id=after>")
    assert page.links == [("/x", 1)]
    assert page.anchors == {"before", "after"}
    # A tag still open where the page ends is no tag at all.
    assert parse_page("<p id=before>" + "<a id=never href=/y " * 5_000).anchors == {"before"}


def test_a_link_after_a_long_run_of_broken_markup_is_still_found():
    page = parse_page("<!-- <!-- -->" * 20_000 + "&#" * 20_000 + "\n<a href='/x' id=end>")
    assert page.links == [("/x", 2)]
    assert page.anchors == {"end"}
