"""A real HTTP/1.1 server on loopback addresses, for the link checker's tests and benchmark.

Every path names its behaviour, and behaviours compose left to right, so one server covers
all the cases a link checker meets::

    /ok/...                      200, a small HTML page (ids ``top``, ``intro``; name ``legacy``)
    /status/CODE/...             answers CODE
    /redirect/CODE/REST          CODE with ``Location: /REST`` (nest them for chains)
    /loop/NAME/a, /loop/NAME/b   redirect to each other forever
    /self/...                    redirects to itself forever
    /ratelimit/SECONDS/N/REST    429 with ``Retry-After: SECONDS`` N times, then REST
                                 (SECONDS ``none``: no Retry-After header)
    /unavailable/SECONDS/...     503 with ``Retry-After: SECONDS``, always
    /nohead/REST                 HEAD gets 405; GET goes on as REST
    /slow/MS/REST                waits MS milliseconds, then REST
    /big/MB/...                  200 with an MB-megabyte body (HEAD: headers only)
    /hang/...                    reads the request and never answers
    /chunked/...                 200, the page in chunks (``Transfer-Encoding: chunked``)
    /gzip/...                    200, the page gzip-compressed (``Content-Encoding: gzip``)
    /close/...                   200, the page without a length, ended by closing the connection
    /early/...                   103 Early Hints, then 200 with the page
    /cookie/NAME/REST            302 to itself setting cookie NAME until it is sent back, then REST
    /garbage/...                 a line that is not HTTP, then closes the connection
    /cut/...                     200 with a Content-Length of 4096 and 10 bytes of body, then closes
    /goto/CODE/HOST/PORT/REST    CODE with ``Location: http://HOST:PORT/REST`` (another host)
    /drip/MS/BYTES/...           200, an HTML page of BYTES bytes sent one byte every MS ms
    /tags/N/...                  200, ``<a `` N times (a tag that never closes), gzip-compressed
    /wall/KIND/...               a bot wall's challenge: KIND is cloudflare (403 with
                                 ``cf-mitigated: challenge``), cloudflare-page (503, the
                                 "Just a moment..." page only), cloudflare-big (403,
                                 "Attention Required", 200 KB), akamai (403, "Access Denied"
                                 with a reference number), datadome (403, a captcha page,
                                 gzip-compressed), perimeterx (403, chunked, ``px-captcha``)
    /needs/NAME/VALUE/REST       401 unless the request's NAME header is VALUE, then REST

The server counts requests per path (and per method) and body bytes it managed to send,
stops itself after ``lifetime_s`` seconds and answers 503 once ``max_requests`` is spent, so a
runaway client cannot keep it busy. ``python linkserver.py HOST...`` runs it in its own
process (the benchmark does this): it prints ``{"ports": {...}}`` and serves ``/_stats`` and
``/_reset`` for the counters until its standard input closes.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import sys
import threading
import time
from collections import Counter
from urllib.parse import unquote

PAGE = (
    b'<!doctype html><html><head><title>t</title></head><body><h1 id="top">Top</h1>'
    b'<p id="intro">Intro</p><a name="legacy"></a></body></html>'
)
CHUNK = 64 * 1024
FRAMINGS = {"chunked", "gzip", "close", "early"}
TLS_HANDSHAKE = b"\x16"  # the first byte of a TLS client hello
REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    999: "Request denied",
}
# Bot walls' challenge answers, after the shapes real ones take: (status, headers, body).
_WALL_FILLER = b"<script>/*" + b"x" * 2000 + b"*/</script>"
WALLS = {
    "cloudflare": (
        403,
        [("Server", "cloudflare"), ("cf-mitigated", "challenge"), ("Content-Type", "text/html")],
        b"<!DOCTYPE html><html><head><title>Just a moment...</title>" + _WALL_FILLER,
    ),
    "cloudflare-page": (
        503,
        [("Server", "cloudflare"), ("Content-Type", "text/html")],
        b"<!DOCTYPE html><html lang=en><head><title>Just a moment...</title>" + _WALL_FILLER,
    ),
    "cloudflare-big": (  # too big to drain: only its first bytes are read
        403,
        [("Server", "cloudflare"), ("Content-Type", "text/html")],
        b"<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title>"
        + _WALL_FILLER * 100,
    ),
    "akamai": (
        403,
        [("Server", "AkamaiGHost"), ("Content-Type", "text/html")],
        b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>"
        b"You don't have permission to access this server.<P>Reference&#32;#18.6a2f.1700",
    ),
    "datadome": (
        403,
        [("Server", "nginx"), ("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        gzip.compress(
            _WALL_FILLER + b'<script src="https://ct.captcha-delivery.com/c.js"></script>'
        ),
    ),
    "perimeterx": (
        403,
        [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
        b'<html><body><div id="px-captcha"></div>' + _WALL_FILLER + b"</body></html>",
    ),
}


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (bound, then released), for 'connection refused' cases."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LinkServer:
    """The server on one or more loopback addresses, run by an event loop in a thread."""

    def __init__(self, hosts=("127.0.0.1",), lifetime_s: float = 120, max_requests: int = 100_000):
        self.hosts = tuple(hosts)
        self.lifetime_s = lifetime_s
        self.max_requests = max_requests
        self.ports: dict[str, int] = {}
        self.hits: Counter[str] = Counter()
        self.methods: Counter[tuple[str, str]] = Counter()
        self.body_bytes: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}  # monotonic times at which each path was asked
        self.in_flight: Counter[str] = Counter()  # per host, requests being answered now
        self.peak: Counter[str] = Counter()  # per host ("*" for all), most ever in flight at once
        self.connections = 0  # accepted; far fewer than requests when clients keep them alive
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.AbstractServer] = []
        self._stopping: asyncio.Event | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> LinkServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(timeout=10)
        return self

    async def _open(self) -> None:
        self._stopping = asyncio.Event()
        for host in self.hosts:
            server = await asyncio.start_server(self._handle, host, 0, backlog=1024)
            self._servers.append(server)
            self.ports[host] = server.sockets[0].getsockname()[1]
        # Past its lifetime the server closes its ports too, so late clients are refused.
        self._loop.call_later(self.lifetime_s, lambda: self._loop.create_task(self._close()))

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _close(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.close()
        for writer in list(self._writers):  # idle keep-alive connections would linger
            writer.close()
        await asyncio.sleep(0.05)  # let hanging handlers see the event and close their sockets

    def __enter__(self) -> LinkServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, path: str, host: str | None = None, scheme: str = "http") -> str:
        host = host or self.hosts[0]
        return f"{scheme}://{host}:{self.ports[host]}{path}"

    def reset(self) -> None:
        for table in (self.hits, self.methods, self.body_bytes, self.arrivals, self.peak):
            table.clear()
        self.connections = 0

    def stats(self) -> dict:
        return {
            "requests": sum(self.hits.values()),
            "connections": self.connections,
            "hits": dict(self.hits),
            "body_bytes": dict(self.body_bytes),
        }

    # -- protocol --------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        self.connections += 1
        host = writer.get_extra_info("sockname")[0]
        try:
            while not self._stopping.is_set():
                first = await reader.read(1)
                if first == TLS_HANDSHAKE:  # a TLS hello need not hold a newline: answer now
                    await self._send(writer, 400, b"plain HTTP here", keep=False)
                    break
                line = first + await reader.readline()
                if not line:
                    break
                parts = line.decode("latin-1").split()
                if len(parts) != 3:
                    await self._send(writer, 400, b"bad request line", keep=False)
                    break
                method, target, _version = parts
                headers = {}
                while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                if not await self._dispatch(method, target, headers, writer, host):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _send(self, writer, status, body=b"", headers=(), *, keep=True, head=False, path=""):
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines.append(f"Content-Length: {len(body)}")
        if not keep:
            lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if body and not head:
            writer.write(body)
            if path:
                self.body_bytes[path] += len(body)
        await writer.drain()
        return keep

    async def _dispatch(self, method: str, target: str, headers: dict, writer, host) -> bool:
        path = target.split("?", 1)[0]
        if path.startswith("/_"):
            return await self._control(path, writer)
        self.hits[path] += 1
        self.methods[(method, path)] += 1
        self.arrivals.setdefault(path, []).append(time.monotonic())
        if sum(self.hits.values()) > self.max_requests:
            return await self._send(writer, 503, b"request budget spent", keep=False)
        keep = headers.get("connection", "").lower() != "close"
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        self.peak["*"] = max(self.peak["*"], sum(self.in_flight.values()))
        try:
            return await self._route(
                path, path.strip("/").split("/"), writer, keep, method == "HEAD", headers
            )
        finally:
            self.in_flight[host] -= 1

    async def _route(self, path, parts, writer, keep, head, asked) -> bool:
        kind, args = parts[0], parts[1:]

        def send(status, body=b"", headers=()):
            return self._send(writer, status, body, headers, keep=keep, head=head, path=path)

        def rest(remaining):
            return self._route(path, remaining, writer, keep, head, asked)

        if kind == "ok":
            return await send(200, PAGE, [("Content-Type", "text/html; charset=utf-8")])
        if kind == "status":
            return await send(int(args[0]), b"status")
        if kind == "redirect":
            return await send(int(args[0]), b"", [("Location", "/" + "/".join(args[1:]))])
        if kind == "self":
            return await send(302, b"", [("Location", path)])
        if kind == "loop":
            other = "b" if args[1] == "a" else "a"
            return await send(302, b"", [("Location", f"/loop/{args[0]}/{other}")])
        if kind == "ratelimit":
            if self.hits[path] <= int(args[1]):
                wait = [] if args[0] == "none" else [("Retry-After", args[0])]
                return await send(429, b"slow down", wait)
            return await rest(args[2:])
        if kind == "unavailable":
            return await send(503, b"down", [("Retry-After", args[0])])
        if kind == "nohead":
            if head:
                return await send(405, b"no HEAD here", [("Allow", "GET")])
            return await rest(args)
        if kind == "slow":
            await asyncio.sleep(int(args[0]) / 1000)
            return await rest(args[1:])
        if kind == "big":
            return await self._big(path, int(args[0]) * 1024 * 1024, writer, head)
        if kind == "hang":
            await self._stopping.wait()
            return False
        if kind == "cookie":
            if f"{args[0]}=1" in asked.get("cookie", ""):
                return await rest(args[1:])
            cookie = ("Set-Cookie", f"{args[0]}=1; Path=/; HttpOnly")
            return await send(302, b"", [cookie, ("Location", path)])
        if kind == "garbage":
            writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
            await writer.drain()
            return False
        if kind == "cut":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + b"x" * 10)
            self.body_bytes[path] += 10
            await writer.drain()
            return False
        if kind == "goto":
            code, host, port = args[:3]
            where = f"http://{host}:{port}/" + "/".join(args[3:])
            return await send(int(code), b"", [("Location", where)])
        if kind == "drip":
            return await self._drip(path, int(args[0]) / 1000, int(args[1]), writer, head)
        if kind == "wall":
            status, headers, body = WALLS[args[0]]
            if ("Transfer-Encoding", "chunked") in headers:
                return await self._chunked(path, writer, status, headers, body, head)
            return await send(status, body, headers)
        if kind == "needs":
            name, value = args[0].lower(), unquote(args[1])
            if asked.get(name) != value:
                return await send(401, b"who are you?")
            return await rest(args[2:])
        if kind == "tags":
            body = gzip.compress(b"<a " * int(args[0]))
            html = ("Content-Type", "text/html; charset=utf-8")
            return await send(200, body, [html, ("Content-Encoding", "gzip")])
        if kind in FRAMINGS:
            if head:  # headers only, whatever the framing of the body would be
                return await send(200, PAGE, [("Content-Type", "text/html; charset=utf-8")])
            return await self._framed(kind, path, writer, send)
        return await send(404, b"no such route")

    async def _framed(self, kind: str, path: str, writer, send) -> bool:
        """The page, framed or encoded as ``kind`` says; ``send`` answers the usual way."""
        html = [("Content-Type", "text/html; charset=utf-8")]
        if kind == "gzip":
            return await send(200, gzip.compress(PAGE), html + [("Content-Encoding", "gzip")])
        if kind == "early":
            writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n")
            return await send(200, PAGE, html)
        if kind == "close":
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE)
            self.body_bytes[path] += len(PAGE)
            await writer.drain()
            return False
        lines = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
        writer.write(lines.encode())
        third = len(PAGE) // 3
        for piece in (PAGE[:third], PAGE[third : 2 * third], PAGE[2 * third :], b""):
            writer.write(f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n")
        self.body_bytes[path] += len(PAGE)
        await writer.drain()
        return True

    async def _chunked(self, path, writer, status, headers, body, head) -> bool:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if not head:
            half = len(body) // 2
            for piece in (body[:half], body[half:], b""):
                writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.body_bytes[path] += len(body)
        await writer.drain()
        return True

    async def _big(self, path: str, size: int, writer, head: bool) -> bool:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
        await writer.drain()
        if head:
            return True
        chunk = b"x" * CHUNK
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            writer.write(piece)
            await writer.drain()  # raises once the client hangs up, which ends the count
            sent += len(piece)
            self.body_bytes[path] += len(piece)
        return True

    async def _drip(self, path: str, pause: float, size: int, writer, head: bool) -> bool:
        head_lines = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n"
        writer.write(head_lines.format(size).encode())
        await writer.drain()
        if head:
            return True
        for _ in range(size):
            if self._stopping.is_set() or writer.is_closing():
                return False
            await asyncio.sleep(pause)
            writer.write(b" ")
            await writer.drain()  # raises once the client hangs up, which ends the count
            self.body_bytes[path] += 1
        return True

    async def _control(self, path: str, writer) -> bool:
        if path == "/_reset":
            self.reset()
        body = json.dumps(self.stats()).encode()
        return await self._send(writer, 200, body, [("Content-Type", "application/json")])


def _serve_in_process(hosts: list[str]) -> None:
    with LinkServer(hosts or ["127.0.0.1"], lifetime_s=900, max_requests=2_000_000) as server:
        print(json.dumps({"ports": server.ports}), flush=True)
        sys.stdin.read()  # the parent closes our stdin (or dies) to stop us


if __name__ == "__main__":
    _serve_in_process(sys.argv[1:])
