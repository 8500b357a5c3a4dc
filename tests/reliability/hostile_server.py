"""A proxy in front of an emulator that spoils chosen answers: a hostile or broken server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# (path, upstream body) -> (status, content type, body) to send instead, or None to pass on.
Spoil = Callable[[str, bytes], tuple[int, str, bytes] | None]


def _handler(upstream: str, spoil: Spoil) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def _relay(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "connection", "accept-encoding")
            }
            answer = httpx.request(
                self.command, upstream + self.path, content=body, headers=headers, timeout=30
            )
            spoiled = spoil(self.path.split("?", 1)[0], answer.content)
            status, kind, content = spoiled or (
                answer.status_code,
                answer.headers.get("content-type", "application/json"),
                answer.content,
            )
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_DELETE = _relay

    return Handler


@contextmanager
def hostile(upstream: str, spoil: Spoil) -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port); yields the proxy's base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, spoil))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
