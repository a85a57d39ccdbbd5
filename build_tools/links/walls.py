"""Bot walls: answers that refuse a program, not a reader, told apart from real refusals.

A site behind Cloudflare, Akamai, DataDome, PerimeterX and the like answers an automated
request with 403 or 503 and a challenge page (a script or a captcha a browser solves), and
LinkedIn answers 999 to everything it takes for a bot. The page is most likely there for a
reader, so such an answer is the verdict ``blocked`` ("could not be checked automatically"),
never ``broken``. The markers are read from the headers and the first bytes of the body.
"""

from __future__ import annotations

import re

WALL_STATUSES = {403, 503}
NOT_A_BOT_STATUS = 999  # LinkedIn's answer to any request it takes for automated

# Headers that name a challenge outright: (header, pattern of its value, who sends it).
_HEADERS = (
    ("cf-mitigated", re.compile(r"challenge", re.I), "Cloudflare"),
    ("x-datadome", re.compile(r"."), "DataDome"),
    ("x-dd-b", re.compile(r"."), "DataDome"),
    ("x-amzn-waf-action", re.compile(r"captcha|challenge", re.I), "AWS WAF"),
    ("x-sucuri-block", re.compile(r"."), "Sucuri"),
)
# Body markers, looked for case-insensitively in the first bytes of the page.
_BODIES = (
    (re.compile(rb"<title>\s*(just a moment|attention required)", re.I), "Cloudflare"),
    (re.compile(rb"cf-chl-|/cdn-cgi/challenge-platform|cf[-_]turnstile", re.I), "Cloudflare"),
    (re.compile(rb"captcha-delivery\.com|datadome", re.I), "DataDome"),
    (re.compile(rb"px-captcha|_pxcaptcha|perimeterx|human security", re.I), "PerimeterX"),
    (re.compile(rb"sucuri website firewall", re.I), "Sucuri"),
    (re.compile(rb"g-recaptcha|hcaptcha|h-captcha|recaptcha/api", re.I), "a captcha"),
    (re.compile(rb"checking (if the site connection is secure|your browser)", re.I), "a bot check"),
)
# Akamai's refusal names no product in its body, only its server and a reference number
# (written "Reference&#32;&#35;18.6a2f..." by the real thing, with entities or without).
_AKAMAI_BODY = re.compile(rb"access denied.{0,400}reference(?:\s|&#32;)*(?:#|&#35;)", re.I | re.S)


def wall(status: int, headers: dict[str, str], start: bytes) -> str | None:
    """Who put up the wall ("Cloudflare", "LinkedIn", ...), or None for a real answer.

    ``headers`` have lower-case names; ``start`` is the first bytes of the body.
    """
    if status == NOT_A_BOT_STATUS:
        return "LinkedIn's status 999, its answer to requests it takes for automated"
    if status not in WALL_STATUSES:
        return None
    for name, pattern, who in _HEADERS:
        if pattern.search(headers.get(name, "")):
            return who
    for pattern, who in _BODIES:
        if pattern.search(start):
            return who
    server = headers.get("server", "").lower()
    if "akamai" in server and _AKAMAI_BODY.search(start):
        return "Akamai"
    return None


def wall_detail(status: int, who: str) -> str:
    """The report's detail for a wall: what answered, and why it is not called broken."""
    return f"{status} from a bot wall ({who}): could not be checked automatically"
