"""§5.2: a method blocked by OPERATION_TIME_LIMIT waits while other entities are read."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import respx

from funnelkit.connectors.base import NullProgress
from funnelkit.connectors.bitrix24.auth import WebhookAuth
from funnelkit.connectors.bitrix24.client import Bitrix24Client
from funnelkit.connectors.bitrix24.envelope import check
from funnelkit.connectors.bitrix24.jobs import Job, run_jobs
from funnelkit.connectors.bitrix24.paging import Cursor
from funnelkit.connectors.bitrix24.specs import COMPANIES, CONTACTS
from funnelkit.connectors.http import ApiClient
from funnelkit.emulator.bitrix24.params import parse_form

HOOK = "https://acme.bitrix24.ru/rest/1/code0000/"
TABLES = {"crm.contact.list": 120, "crm.company.list": 80}
REF = re.compile(r"^\$result\[(\w+)\]\[(\d+)\]\[ID\]$")


class FakePortal:
    """Answers keyset batches; contacts are blocked for their first `blocked` batches."""

    def __init__(self, blocked: int, operating: float = 1.0, contacts: int = 120) -> None:
        self.tables = {**TABLES, "crm.contact.list": contacts}
        self.blocked = blocked
        self.operating = operating
        self.log: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        cmds: dict[str, str] = json.loads(request.content)["cmd"]
        results: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        times: dict[str, Any] = {}
        for name, cmd in cmds.items():
            method, _, query = cmd.partition("?")
            self.log.append(method)
            if method == "crm.contact.list" and self.blocked > 0:
                self.blocked -= 1
                errors[name] = {"error": "OPERATION_TIME_LIMIT", "error_description": "blocked"}
                break
            after = parse_form(query)["filter"][">ID"]
            ref = REF.match(after)
            if ref:  # an unresolvable reference (short page) acts like an empty filter
                page = results.get(ref.group(1), [])
                index = int(ref.group(2))
                after = page[index]["ID"] if index < len(page) else "0"
            rows = [{"ID": str(i)} for i in range(int(after) + 1, self.tables[method] + 1)][:50]
            results[name] = rows
            times[name] = {"start": 900.0, "operating": self.operating, "operating_reset_at": 1000}
        inner: dict[str, Any] = {"result": results, "result_error": errors or []}
        inner.update({"result_total": [], "result_next": [], "result_time": times})
        body = {"result": inner, "time": {"start": 1.0}}
        return httpx.Response(200, json=body)


def _client(now: list[float], slept: list[float]) -> Bitrix24Client:
    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    api = ApiClient(httpx.Client(), vendor="bitrix24", rate=100, burst=100,
                    max_retry_seconds=5, check=check)  # fmt: skip
    return Bitrix24Client(api, WebhookAuth(HOOK), wall=lambda: now[0], sleep=sleep)


@respx.mock
def test_blocked_method_waits_while_others_are_read() -> None:
    portal = FakePortal(blocked=1)
    respx.post(HOOK + "batch").mock(side_effect=portal)
    now: list[float] = [900.0]
    slept: list[float] = []
    client = _client(now, slept)
    got: dict[str, list[str]] = {"contacts": [], "companies": []}
    jobs = [
        Job(Cursor(CONTACTS), lambda rows: got["contacts"].extend(r["ID"] for r in rows)),
        Job(Cursor(COMPANIES), lambda rows: got["companies"].extend(r["ID"] for r in rows)),
    ]
    run_jobs(client, jobs, NullProgress(), max_wait=600, sleep=client.sleep)
    assert got["contacts"] == [str(i) for i in range(1, 121)]
    assert got["companies"] == [str(i) for i in range(1, 81)]
    first_company = portal.log.index("crm.company.list")
    assert portal.log[0] == "crm.contact.list" and first_company == 1  # moved on at once
    assert slept and now[0] >= 960  # then waited for the block to lift before contacts again


@respx.mock
def test_operating_near_the_limit_slows_the_method_down() -> None:
    portal = FakePortal(blocked=0, operating=400.0, contacts=3000)  # over 80 % of 480 s (§5.2)
    respx.post(HOOK + "batch").mock(side_effect=portal)
    now: list[float] = [900.0]
    slept: list[float] = []
    client = _client(now, slept)
    ids: list[str] = []
    cursor = Cursor(CONTACTS)
    run_jobs(client, [Job(cursor, lambda rows: ids.extend(r["ID"] for r in rows))],
             NullProgress(), max_wait=600, sleep=client.sleep)  # fmt: skip
    assert ids == [str(i) for i in range(1, 3001)]  # two batches, no row lost or repeated
    # Paused once between the two batches, for operating_reset_at - start of the answer.
    assert slept == [pytest.approx(100.0)]
    assert client.blocked_until("crm.contact.list") is not None  # still near the limit


def test_pause_follows_a_faster_server_clock() -> None:
    # A test portal on a clock 20x faster: its reset time comes round 20x sooner locally.
    now: list[float] = [5000.0]
    client = _client(now, [])
    client._watch("crm.deal.list", {"start": 1000.0, "operating": 1.0})
    now[0] += 10.0  # ten local seconds, two hundred server seconds
    block = {"start": 1200.0, "operating": 450.0, "operating_reset_at": 1600}
    client._watch("crm.deal.list", block)
    assert client.blocked_until("crm.deal.list") == pytest.approx(now[0] + 400 / 20)
    # A server clock at the local pace (a real portal) keeps the whole pause.
    real = _client(now, [])
    real._watch("crm.deal.list", {"start": 1000.0, "operating": 1.0})
    now[0] += 10.0
    real._watch("crm.deal.list", {**block, "start": 1010.0, "operating_reset_at": 1410})
    assert real.blocked_until("crm.deal.list") == pytest.approx(now[0] + 400)
