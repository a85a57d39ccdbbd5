"""Where a redirect may lead, and what a slow or hostile page costs.

The servers are real, on loopback addresses. To play a public host, 127.0.0.2 is counted
as public through ``CheckSettings.public_networks`` (empty in every real run); 127.0.0.1
stays what it is, a loopback address, as does the name ``localhost``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from build_tools.links.http import non_public
from tests.links.conftest import FAST, path_of, run_check

PUBLIC = replace(FAST, public_networks=("127.0.0.2/32",))
FRAGMENTS = replace(FAST, check_external_fragments=True)


def _goto(links, host: str, target: str, code: int = 302) -> str:
    """A URL on the "public" host 127.0.0.2 that redirects to ``target`` (a path on
    ``host``, the name written into the Location header)."""
    port = links.ports["127.0.0.1"]
    return links.url(f"/goto/{code}/{host}/{port}{target}", host="127.0.0.2")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_public_url_never_leads_to_a_loopback_address(links, host):
    target = path_of(links.unique_url("/ok"))
    url = _goto(links, host, target)
    _, results = run_check([url], PUBLIC)
    result = results[url]
    assert result.verdict == "error"
    assert f"redirect to http://{host}:" in result.detail
    assert f"{host} is a loopback address" in result.detail
    assert result.final_url.endswith(target)
    assert links.hits[target] == 0  # refused before any connection was made


def test_a_local_url_may_redirect_to_another_local_address(links):
    target = path_of(links.unique_url("/ok"))
    url = _goto(links, "127.0.0.1", target, code=301)
    _, results = run_check([url])  # 127.0.0.2 is what it is here: a loopback address
    assert results[url].verdict == "redirect"
    assert links.hits[target] == 1


def test_a_public_url_may_redirect_to_a_public_address(links):
    target = links.unique_url("/ok", host="127.0.0.2")
    url = links.url(f"/redirect/302{path_of(target)}", host="127.0.0.2")
    _, results = run_check([url], PUBLIC)
    assert results[url].verdict == "ok"
    assert results[url].final_url == target


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.0.1", "non-public"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_addresses_are_sorted_into_public_and_not(address, kind):
    assert non_public(address) == kind


def test_a_page_that_drips_gets_its_own_detail(links):
    url = links.unique_url("/drip/100/1000") + "#top"
    checked, results = run_check([url], FRAGMENTS)
    result = results[url]
    assert result.verdict == "timeout"
    assert result.detail.startswith("body too slow: ")
    assert result.detail.endswith(" bytes in 1 s")
    received = int(result.detail.split()[3])
    assert 0 < received < 1000
    assert checked.requests == 1  # the server answers: asking again would only drip again


def test_a_dripping_body_not_needed_for_the_verdict_is_not_waited_for(links):
    url = links.unique_url("/drip/100/1000")
    checked, results = run_check([url])
    assert (results[url].verdict, results[url].status) == ("ok", 200)
    assert checked.requests == 1


def test_a_small_gzip_answer_of_unclosed_tags_is_scanned_up_to_the_page_limit(links):
    # 4 KB on the wire, 4.2 MB of "<a " once inflated: read up to the 4 MiB page limit and
    # scanned, while the other URL of the run is checked as usual.
    bomb = links.unique_url("/tags/1400000") + "#intro"
    fine = links.unique_url("/ok") + "#intro"
    _, results = run_check([bomb, fine], FRAGMENTS)
    assert results[bomb].verdict == "broken"
    assert "no element with id 'intro'" in results[bomb].detail
    assert results[fine].verdict == "ok"
