"""A wrong address fails in seconds with a hint; retries follow interface.md's table."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.connectors.http import ApiClient
from funnelkit.errors import ConnectorError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pull(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    vendor: str,
    url: str,
) -> tuple[int, str, float]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "funnelkit.yaml").write_text(
        f"portals:\n  acme:\n    vendor: {vendor}\n    url: {url}\n", encoding="utf-8"
    )
    monkeypatch.setenv("FUNNELKIT_ACME_WEBHOOK", f"{url}/rest/1/abcdef123456/")
    monkeypatch.setenv("FUNNELKIT_ACME_TOKEN", "long-lived-token")
    began = time.monotonic()
    code = run_main(app, ["pull", "--portal", "acme", "-o", str(tmp_path / "s.zip")])
    return code, capsys.readouterr().err, time.monotonic() - began


@pytest.mark.parametrize("vendor", ["bitrix24", "amocrm"])
def test_connection_refused_fails_fast_with_a_hint(
    vendor: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    code, err, elapsed = _pull(tmp_path, monkeypatch, capsys, vendor, url)
    assert code == 3, err
    assert elapsed < 15, f"took {elapsed:.1f} s"
    assert "cannot connect after 3 attempt(s)" in err
    assert "hint: nothing answers at that address" in err
    assert not (tmp_path / "s.zip").exists()


class _HtmlPage(http.server.BaseHTTPRequestHandler):
    hits = 0

    def _page(self) -> None:
        type(self).hits += 1
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def html_site() -> Iterator[str]:
    _HtmlPage.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("vendor", ["bitrix24", "amocrm"])
def test_an_html_page_is_not_a_rest_endpoint(
    vendor: str,
    html_site: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err, elapsed = _pull(tmp_path, monkeypatch, capsys, vendor, html_site)
    assert code == 3, err
    assert elapsed < 5
    assert "not a REST endpoint" in err and "text/html" in err
    assert _HtmlPage.hits == 1, "a web page is not retried"


class _Script:
    """A MockTransport that answers from a list and counts the requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer


def _client(script: _Script, notes: list[str], budget: float = 300) -> ApiClient:
    return ApiClient(
        httpx.Client(transport=httpx.MockTransport(script)),
        vendor="bitrix24",
        rate=1000,
        burst=1000,
        max_retry_seconds=budget,
        sleep=lambda _: None,
        announce=notes.append,
    )


@pytest.mark.parametrize(
    ("failure", "hint"),
    [
        ("[Errno 111] Connection refused", "nothing answers"),
        ("[Errno -2] Name or service not known", "does not resolve"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "TLS handshake"),
    ],
)
def test_connect_failures_retry_twice(failure: str, hint: str) -> None:
    script = _Script(httpx.ConnectError(failure))
    notes: list[str] = []
    with pytest.raises(ConnectorError) as info:
        _client(script, notes).call("crm.deal.list", "http://portal/rest/crm.deal.list")
    assert script.calls == 3
    assert info.value.hint and hint in info.value.hint
    assert info.value.method == "crm.deal.list"
    assert notes == []


def test_wrong_shape_json_is_not_retried() -> None:
    def check(method: str, response: httpx.Response, payload: object) -> None:
        raise ConnectorError(f"{method}: no `result`", method=method)

    script = _Script(httpx.Response(200, json={"unexpected": True}))
    client = _client(script, [])
    client.check = check
    with pytest.raises(ConnectorError):
        client.call("crm.deal.list", "http://portal/x")
    assert script.calls == 1


def test_truncated_json_is_retried_a_few_times() -> None:
    cut = httpx.Response(200, text='{"result": [1, 2', headers={"Content-Type": "application/json"})
    script = _Script(cut)
    with pytest.raises(ConnectorError, match="cut off or malformed"):
        _client(script, []).call("crm.deal.list", "http://portal/x")
    assert script.calls == 4
    healed = _Script(cut, httpx.Response(200, json={"result": []}))
    assert _client(healed, []).call("crm.deal.list", "http://portal/x") == {"result": []}


def test_overload_waits_are_announced_with_their_length() -> None:
    busy = httpx.Response(429, json={"error": "QUERY_LIMIT_EXCEEDED"}, headers={"Retry-After": "3"})
    script = _Script(busy, busy, httpx.Response(200, json={"result": 1}))
    notes: list[str] = []
    assert _client(script, notes).call("crm.deal.list", "http://portal/x") == {"result": 1}
    assert len(notes) == 2
    assert all("HTTP 429" in n and "waiting 3.0 s" in n for n in notes), notes
    assert "gives up after 300 s" in notes[0]
