"""`batch`: up to 50 sub-calls run in order, `$result[...]` references, `halt` (bitrix24.md §4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from funnelkit.emulator.bitrix24.backend import Outcome
from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.params import parse_form, pick

MAX_COMMANDS = 50
_REF = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")

# (method, params) -> (outcome or None, error or None, that call's time block)
Execute = Callable[[str, dict[str, Any]], tuple[Outcome | None, B24Error | None, dict[str, Any]]]


def php_map(items: dict[str, Any]) -> Any:
    """PHP arrays keyed 0..n-1 serialise as JSON lists, empty ones as `[]` (§2.5, B.9)."""
    if not items:
        return []
    if list(items) == [str(i) for i in range(len(items))]:
        return list(items.values())
    return items


def _resolve(results: dict[str, Any], name: str, path: str) -> Any:
    node: Any = results.get(name)
    for seg in re.findall(r"\[([^\]]*)\]", path):
        if isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        elif isinstance(node, dict) and seg in node:
            node = node[seg]
        else:
            return None
    return node


def _substitute(value: Any, results: dict[str, Any]) -> Any:
    """Replace `$result[cmd][path]` in every string; a missing path becomes "" (unverified)."""
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        found = _resolve(results, match.group(1), match.group(2))
        return "" if found is None or isinstance(found, dict | list) else str(found)

    return _REF.sub(one, value)


def _commands(params: dict[str, Any]) -> dict[str, str]:
    raw = pick(params, "cmd")
    if isinstance(raw, list):
        raw = {str(i): v for i, v in enumerate(raw)}
    if not isinstance(raw, dict) or not raw:
        raise B24Error("INVALID_REQUEST", "Parameter 'cmd' is required", 400)
    if len(raw) > MAX_COMMANDS:
        # §4: ambiguous whether only the excess fails; the whole call is refused (unverified).
        raise B24Error("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)
    return {str(k): str(v) for k, v in raw.items()}


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "y", "yes")


def run_batch(params: dict[str, Any], execute: Execute) -> dict[str, Any]:
    """The batch `result` object: result, result_error, result_total, result_next, result_time."""
    commands = _commands(params)
    halt = _truthy(pick(params, "halt", "0"))
    done: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    for name, text in commands.items():
        method, _, query = text.partition("?")
        sub = _substitute(parse_form(query), done)
        outcome, error, timing = execute(method.strip(), sub)
        if error is not None or outcome is None:
            errors[name] = (error or B24Error("", "Unknown error")).payload()
            if halt:
                break
            continue
        done[name] = outcome.result
        times[name] = timing
        if outcome.total is not None:
            totals[name] = outcome.total
        if outcome.next is not None:
            nexts[name] = outcome.next
    return {
        "result": php_map(done),
        "result_error": php_map(errors),
        "result_total": php_map(totals),
        "result_next": php_map(nexts),
        "result_time": php_map(times),
    }
