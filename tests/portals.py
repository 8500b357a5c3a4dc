"""The one builder of snapshot test portals, from a compact description.

Audit case files (tests/audit/cases/*.yaml), the metrics and the report tests all describe
their portals as a dict this module turns into a `Snapshot`; portals served by the emulators
come from their fixture files or the seeded generator instead. Times are days relative to
`NOW` (or to the case's `now`, in days since the epoch).
"""

from __future__ import annotations

from typing import Any

from funnelkit.model import (
    Activity,
    ActivityKind,
    Contact,
    CustomField,
    DataSet,
    DataState,
    DataStatus,
    DeadlineChange,
    Deal,
    Funnel,
    FunnelKind,
    FunnelRole,
    LossReason,
    Manifest,
    Portal,
    ResponsibleChange,
    RoleSource,
    Semantics,
    Snapshot,
    Stage,
    StageTransition,
    Structure,
    Tunnel,
    User,
    Vendor,
)
from funnelkit.model.timeutil import DAY

NOW = 1_700_006_400  # 2023-11-15T00:00:00Z, a whole day


_clock = [NOW]  # the case being built sets it (build() is not re-entrant, tests need not be)


def at(days: float | None) -> int | None:
    return None if days is None else _clock[0] + int(days * DAY)


def _split(entry: str | dict[str, Any]) -> tuple[str, str]:
    """A stage as "id=name" or, for a name holding "=", as {"id": …, "name": …}."""
    if isinstance(entry, dict):
        return str(entry["id"]), str(entry.get("name", entry["id"]))
    ident, _, name = str(entry).partition("=")
    return ident, name or ident


def _funnel(spec: dict[str, Any]) -> tuple[Funnel, list[Stage]]:
    fid = str(spec["id"])
    role = FunnelRole(spec["role"]) if spec.get("role") else None
    funnel = Funnel(
        id=fid,
        name=spec.get("name", f"Funnel {fid}"),
        kind=FunnelKind(spec.get("kind", "deal")),
        sort=int(spec.get("sort", 0)),
        role=role,
        role_source=RoleSource.CONFIG if role else None,
    )
    rows = [(s, Semantics.PROCESS) for s in spec.get("stages", [])]
    rows.append((spec.get("won", "won=Успешно реализовано"), Semantics.SUCCESS))
    rows += [(s, Semantics.FAILURE) for s in spec.get("lost", ["lost=Закрыто и не реализовано"])]
    stages = [
        Stage(
            funnel_id=fid,
            id=_split(text)[0],
            name=_split(text)[1],
            sort=(i + 1) * 10,
            semantics=sem,
        )
        for i, (text, sem) in enumerate(rows)
    ]
    return funnel, stages


def _stage_ref(ref: str, funnel: str) -> tuple[str, str]:
    if "/" in str(ref):
        f, s = str(ref).split("/", 1)
        return f, s
    return funnel, str(ref)


def _deal_rows(
    spec: dict[str, Any],
    deal_id: str,
    sem: dict[tuple[str, str], Semantics],
    out: dict[str, list[Any]],
) -> None:
    funnel = str(spec.get("funnel", "1"))
    history = spec.get("history") or []
    prev: tuple[str, str] | None = None
    for item in history:
        f, s = _stage_ref(item[0], funnel)
        by = str(item[2]) if len(item) > 2 else None
        out["transitions"].append(
            StageTransition(
                id=f"t{len(out['transitions']) + 1}",
                deal_id=deal_id,
                funnel_id=f,
                to_stage_id=s,
                at=at(item[1]) or 0,
                from_stage_id=prev[1] if prev else None,
                from_funnel_id=prev[0] if prev else None,
                by=by,
            )
        )
        prev = (f, s)
    f, s = prev if prev and "stage" not in spec else (funnel, str(spec.get("stage", "new")))
    created = spec.get("created", history[0][1] if history else -10)
    closed = sem.get((f, s), Semantics.PROCESS) is not Semantics.PROCESS
    out["deals"].append(
        Deal(
            id=deal_id,
            funnel_id=f,
            stage_id=s,
            created_at=at(created) or 0,
            title=spec.get("title", f"Deal {deal_id}"),
            amount=spec.get("amount"),
            currency=spec.get("currency"),
            responsible_id=spec.get("responsible"),
            creator_id=spec.get("creator"),
            contact_ids=tuple(map(str, spec.get("contacts", []))),
            closed=closed,
            closed_at=at(spec.get("closed", history[-1][1] if history else None))
            if closed
            else None,
            last_activity_at=at(spec.get("last_activity")),
            loss_reason_id=spec.get("loss_reason"),
            products=tuple(spec.get("products", [])),
            source=spec.get("source"),
        )
    )
    for task in spec.get("tasks", []):
        t = task if isinstance(task, dict) else {"deadline": task}
        tid = t.get("id", f"T{len(out['activities']) + 1}")
        out["activities"].append(
            Activity(
                id=str(tid),
                kind=ActivityKind.TASK,
                created_at=at(t.get("created", -30)) or 0,
                deal_id=deal_id,
                deadline=at(t.get("deadline")),
                done=bool(t.get("done", False)),
                responsible_id=spec.get("responsible"),
            )
        )
        for i, move in enumerate(t.get("postponed", [])):
            out["deadline_changes"].append(
                DeadlineChange(
                    id=f"{tid}-m{i}",
                    task_id=str(tid),
                    at=at(move[0]) or 0,
                    old_deadline=at(move[1]),
                    new_deadline=at(move[2]),
                )
            )
    for kind, day in spec.get("activities", []):
        out["activities"].append(
            Activity(
                id=f"A{len(out['activities']) + 1}",
                kind=ActivityKind(kind),
                created_at=at(day) or 0,
                deal_id=deal_id,
                done=True,
            )
        )
    for i, (day, src, dst) in enumerate(spec.get("responsible_changes", [])):
        out["responsible_changes"].append(
            ResponsibleChange(
                id=f"{deal_id}-r{i}",
                deal_id=deal_id,
                at=at(day) or 0,
                from_user_id=str(src),
                to_user_id=str(dst),
            )
        )


def _user(entry: str | dict[str, Any]) -> User:
    if isinstance(entry, dict):
        return User(id=str(entry["id"]), name=str(entry.get("name", f"User {entry['id']}")))
    return User(id=str(entry), name=f"User {entry}")


def build(case: dict[str, Any]) -> Snapshot:
    """A snapshot from a case's compact description."""
    vendor = Vendor(case.get("vendor", "amocrm"))
    _clock[0] = int(case["now"] * DAY) if "now" in case else NOW
    domain = str(case.get("domain", "case.example"))
    funnels, stages = [], []
    for spec in case.get("funnels", [{"id": "1", "name": "Продажи", "stages": ["new=Новая"]}]):
        f, ss = _funnel(spec)
        funnels.append(f)
        stages += ss
    sem = {s.key: s.semantics for s in stages}
    rows: dict[str, list[Any]] = {
        k: []
        for k in ("deals", "transitions", "activities", "deadline_changes", "responsible_changes")
    }
    for spec in case.get("deals", []):
        n = int(spec.get("count", 1))
        for i in range(n):
            _deal_rows(spec, str(spec["id"]) if n == 1 else f"{spec['id']}-{i}", sem, rows)
    pulled = [DataSet(d) for d in case["pulled"]] if "pulled" in case else list(DataSet)
    data = {d: DataStatus(state=DataState.PULLED) for d in pulled}
    for name in case.get("not_pulled", []):
        data[DataSet(name)] = DataStatus(
            state=DataState.NOT_PULLED, reason="left out by --no-tasks"
        )
    for name, reason in case.get("unavailable", {}).items():
        data[DataSet(name)] = DataStatus(state=DataState.UNAVAILABLE, reason=reason)
    contacts = [Contact(id=str(c)) for c in case.get("contacts", [])]
    structure = Structure(
        portal=Portal(vendor=vendor, domain=domain, currency=case.get("currency")),
        users=tuple(_user(u) for u in case.get("users", [])),
        funnels=tuple(funnels),
        stages=tuple(stages),
        loss_reasons=tuple(
            LossReason(id=ident, name=name)
            for ident, name in map(_split, case.get("loss_reasons", []))
        ),
        custom_fields=tuple(CustomField(**c) for c in case.get("custom_fields", [])),
        tunnels=tuple(
            Tunnel(from_funnel_id=str(a), from_stage_id=str(b), to_funnel_id=str(c))
            for a, b, c in case.get("tunnels", [])
        ),
    )
    return Snapshot(
        manifest=Manifest(vendor=vendor, domain=domain, pulled_at=_clock[0], data=data),
        structure=structure,
        deals=tuple(rows["deals"]),
        transitions=tuple(rows["transitions"]),
        activities=tuple(rows["activities"]),
        deadline_changes=tuple(rows["deadline_changes"]),
        responsible_changes=tuple(rows["responsible_changes"]),
        contacts=tuple(contacts),
    )
