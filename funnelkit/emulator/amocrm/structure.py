"""Pipeline and status rules of amocrm.md §5, applied to PortalState."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.amocrm.context import Account, int_field
from funnelkit.emulator.amocrm.hal import validation
from funnelkit.emulator.amocrm.wire import LOST, WON, is_unsorted
from funnelkit.emulator.state import PortalState
from funnelkit.model import Funnel, Semantics, Stage
from funnelkit.model.timeutil import from_epoch

# amocrm.md §5.3: the only colours a status may be given through the API, in this order.
PALETTE = [
    "#fffeb2",
    "#fffd7f",
    "#fff000",
    "#ffeab2",
    "#ffdc7f",
    "#ffce5a",
    "#ffdbdb",
    "#ffc8c8",
    "#ff8f92",
    "#d6eaff",
    "#c1e0ff",
    "#98cbff",
    "#ebffb1",
    "#deff81",
    "#87f2c0",
    "#f9deff",
    "#f3beff",
    "#ccc8f9",
    "#eb93ff",
    "#f2f3f4",
    "#e6e8ea",
]
MAX_PIPELINES = 50  # amocrm.md §5.1
MAX_STATUSES = 100  # amocrm.md §5.1, system statuses included
LEVELS = ("newbie", "candidate", "master")  # amocrm.md §5.2 status descriptions
# amocrm.md §5.2: the system statuses a new pipeline gets, with their fixed sorts/colours.
UNSORTED = ("Неразобранное", 10, "#c1c1c1")
WON_DEFAULT = ("Успешно реализовано", 10_000, "#CCFF66")
LOST_DEFAULT = ("Закрыто и не реализовано", 11_000, "#D5D8DB")


def next_status_id(state: PortalState) -> int:
    """Status ids other than 142/143 are account-unique and increasing (§5.1)."""
    highest = max((int(k[1]) for k in state.stages if k[1].isdigit()), default=1000)
    return state.new_id("status", floor=max(highest + 1, 1000))


def next_pipeline_id(state: PortalState) -> int:
    """Pipeline ids: increasing, never reused."""
    highest = max((int(f) for f in state.funnels if f.isdigit()), default=1000)
    return state.new_id("pipeline", floor=highest + 1)


def check_color(color: Any, rid: str, path: str) -> str:
    """amocrm.md §5.3: writes must use the palette."""
    if not isinstance(color, str) or color.lower() not in PALETTE:
        raise validation(
            [(rid, "NotSupportedChoice", path, "The value you selected is not a valid choice.")]
        )
    return color.lower()


def renumber(state: PortalState, funnel_id: str, first: list[str] | None = None) -> None:
    """amocrm.md §5.5/§5.8: sorts come back renormalised: 10 unsorted, 20, 30, … then 10000/11000.

    Ordinary statuses keep their relative order by their (requested) sort; the
    exact step of 10 is read off the docs' examples.
    """
    stages = state.stages_of(funnel_id)
    ordinary = [s for s in stages if not is_unsorted(s) and s.id not in (WON, LOST)]
    fixed = {WON: WON_DEFAULT[1], LOST: LOST_DEFAULT[1]}
    for stage in stages:
        if is_unsorted(stage):
            fixed[stage.id] = UNSORTED[1]
    for position, stage in enumerate(ordinary, start=2):
        fixed[stage.id] = position * 10
    for stage in stages:
        wanted = fixed[stage.id]
        if stage.sort != wanted:
            state.stages[stage.key] = stage.model_copy(update={"sort": wanted})


def system_stages(state: PortalState, funnel_id: str, names: dict[str, str]) -> None:
    """The three statuses every new pipeline gets (§5.2); 142/143 may be renamed."""
    unsorted_id = str(next_status_id(state))
    state.stages[(funnel_id, unsorted_id)] = Stage(
        funnel_id=funnel_id,
        id=unsorted_id,
        name=UNSORTED[0],
        sort=UNSORTED[1],
        color=UNSORTED[2],
        system=True,
        extras={"type": "1"},
    )
    for sid, (name, sort, color), meaning in (
        (WON, WON_DEFAULT, Semantics.SUCCESS),
        (LOST, LOST_DEFAULT, Semantics.FAILURE),
    ):
        state.stages[(funnel_id, sid)] = Stage(
            funnel_id=funnel_id,
            id=sid,
            name=names.get(sid, name),
            sort=sort,
            semantics=meaning,
            color=color,
            system=True,
        )


def add_status(
    state: PortalState, funnel_id: str, item: dict[str, Any], rid: str, path: str
) -> Stage:
    """Validate and store one ordinary status; the caller renumbers afterwards."""
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation([(rid, "NotBlank", path + "name", "This value should not be blank.")])
    sort = int_field(item, "sort", rid, path)
    # unverified: the docs do not say which colour an uncoloured status gets
    color = check_color(item.get("color", PALETTE[0]), rid, path + "color")
    if len(state.stages_of(funnel_id)) >= MAX_STATUSES:
        raise validation([(rid, "Limit", path, "Too many statuses in the pipeline.")])
    stage_id = str(next_status_id(state))
    # A large provisional sort places it after existing ones with the same requested sort.
    stage = Stage(
        funnel_id=funnel_id, id=stage_id, name=name, sort=(sort or 0) * 1000 + 999, color=color
    )
    state.stages[stage.key] = stage
    return stage


def spread(state: PortalState, funnel_id: str) -> None:
    """Scale existing sorts so that requested sorts interleave with them (see add_status)."""
    for stage in state.stages_of(funnel_id):
        state.stages[stage.key] = stage.model_copy(update={"sort": stage.sort * 1000})


def first_stage(state: PortalState, funnel_id: str, skip: str | None = None) -> Stage | None:
    """The pipeline's first working stage: unsorted excluded (unverified: the docs say
    «первый этап воронки»), the unsorted status only when nothing else is left."""
    stages = [s for s in state.stages_of(funnel_id) if s.id != skip]
    ordinary = [s for s in stages if not is_unsorted(s) and s.id not in (WON, LOST)]
    if ordinary:
        return ordinary[0]
    unsorted = [s for s in stages if is_unsorted(s)]
    return unsorted[0] if unsorted else None


def set_descriptions(
    account: Account,
    key: tuple[str, str],
    items: Any,
    rid: str,
    now: int,
    user: int,
) -> None:
    """amocrm.md §5.2: with id = edit, without id = create, id without text = delete."""
    if not isinstance(items, list):
        raise validation(
            [(rid, "InvalidType", "descriptions", "This value should be of type array.")]
        )
    current = {d["id"]: d for d in account.descriptions.get(key, [])}
    stamp = from_epoch(now).strftime("%Y-%m-%d %H:%M:%S")
    for pos, item in enumerate(items):
        path = f"descriptions.{pos}."
        level = item.get("level") if isinstance(item, dict) else None
        if level not in LEVELS:
            raise validation([(rid, "NotSupportedChoice", path + "level", "Invalid level.")])
        text = item.get("description")
        if text is not None and (not isinstance(text, str) or len(text) > 1000):
            raise validation([(rid, "Length", path + "description", "Too long.")])
        if "id" in item and item["id"] not in current and text is None:
            continue  # unverified: deleting an unknown description is a no-op
        if "id" in item and item["id"] in current:
            if text is None:
                del current[item["id"]]
                continue
            current[item["id"]].update(description=text, level=level, updated_at=stamp)
            current[item["id"]]["updated_by"] = user
            continue
        if any(d["level"] == level for d in current.values()):
            raise validation([(rid, "Unique", path + "level", "Level must be unique.")])
        made = _description(account, key, level, text or "", stamp, user)
        current[made["id"]] = made
    account.descriptions[key] = list(current.values())


def _description(
    account: Account, key: tuple[str, str], level: str, text: str, stamp: str, user: int
) -> dict[str, Any]:
    """A new status description in the shape of §5.7."""
    new_id = account.next_description()
    return {
        "account_id": account.id,
        "created_at": stamp,
        "created_by": user,
        "description": text,
        "id": new_id,
        "level": level,
        "pipeline_id": int(key[0]),
        "status_id": int(key[1]),
        "updated_at": stamp,
        "updated_by": None,
    }


def new_funnel(funnel_id: str, item: dict[str, Any], sort: int) -> Funnel:
    """A Funnel for a created pipeline."""
    return Funnel(
        id=funnel_id,
        name=str(item["name"]),
        sort=sort,
        is_default=bool(item.get("is_main", False)),
        extras={"is_unsorted_on": "true" if item.get("is_unsorted_on", True) else "false"},
    )
