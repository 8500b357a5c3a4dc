"""The HTTP plumbing shared by both vendor emulators.

A vendor emulator is an `App`: it turns a parsed `Request` into a `Response`.
`EmulatorServer` runs an App on a real socket on 127.0.0.1 (stdlib threading
server: no dependency, fast enough for a 50-row page in milliseconds) and injects
faults on demand before the App sees the request.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from funnelkit.emulator.serving.faults import FaultPlan


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as an App sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    client: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body parsed as JSON (ValueError when it is not)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass(slots=True)
class Response:
    """What an App answers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(
    status: int, payload: Any, content_type: str = "application/json; charset=utf-8"
) -> Response:
    """A JSON response; non-ASCII kept as UTF-8 as both vendors send it."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, {"Content-Type": content_type})


class App(Protocol):
    """A vendor emulator."""

    def handle(self, request: Request) -> Response:
        """Answer one request."""

    def fault_response(self, kind: str) -> Response:
        """The vendor's own answer for an injected fault ('503', '429'; '403' if opted in)."""

    def expire_tokens(self) -> None:
        """Make every issued access token expire now (fault 'expire')."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs add ~40 ms a call.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence: the emulator keeps its own request log."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client=self.client_address[0],
        )
        owner = self.server.owner
        fault = owner.faults.draw(request.path)
        if fault == "reset":
            self._reset()
            return
        if fault == "slow":
            owner.faults.sleep_slow()
        if fault == "expire":
            owner.app.expire_tokens()
        if fault in ("503", "429", "403"):
            response = owner.app.fault_response(fault)
        else:
            response = owner.app.handle(request)
        owner.count(request, response)
        body = response.body
        if fault == "truncate" and len(body) > 2:
            body = body[: len(body) // 2]
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)
        if fault == "truncate":
            self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send RST: the client sees a connection reset.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        self.close_connection = True

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: EmulatorServer


class EmulatorServer:
    """Runs an App on 127.0.0.1 in a background thread; usable as a context manager."""

    def __init__(
        self, app: App, port: int = 0, faults: FaultPlan | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.app = app
        self.faults = faults or FaultPlan()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.requests = 0
        self.requests_by_path: dict[str, int] = {}
        self.first_at: float | None = None  # monotonic time of the first and last request served
        self.last_at: float | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when 0 asked for a free one)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL of the emulator."""
        return f"http://127.0.0.1:{self.port}"

    def count(self, request: Request, response: Response) -> None:
        """Tally a served request (benchmarks compare request counts)."""
        with self._lock:
            now = time.monotonic()
            self.first_at = now if self.first_at is None else self.first_at
            self.last_at = now
            self.requests += 1
            self.requests_by_path[request.path] = self.requests_by_path.get(request.path, 0) + 1

    def start(self) -> EmulatorServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI's `emulator serve`)."""
        self._httpd.serve_forever()

    def wait(self) -> None:
        """Block until the server stops; short joins keep Ctrl+C responsive."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
