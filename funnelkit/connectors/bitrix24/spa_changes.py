"""Smart-process items in `pull --since-snapshot`: changed ones, deleted ones, the merge.

Items of the processes the old snapshot knew are read only when changed since it, by
`>=updatedTime` as deals are (bitrix24.md §7.3; spa.py adds the filter). Deleted ones are
found as deleted deals are (incremental.py): one counted read per process of the ids up
to the old highest rides in the first batch, and only a process whose count fell is swept
id by id. Ids are never reused (§3), so an equal count means nothing was deleted.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from funnelkit.connectors.base import NullProgress
from funnelkit.connectors.bitrix24.client import MAX_BATCH, BatchResult, Bitrix24Client, command
from funnelkit.connectors.bitrix24.jobs import Job, run_jobs
from funnelkit.connectors.bitrix24.paging import Cursor, ListSpec
from funnelkit.model import spa_item_id
from funnelkit.store.items import item_ids, merge_items

# §7.3: crm.item.list answers NOT_FOUND for an entityTypeId that is not (any more) a process.
_GONE_TYPE = {"NOT_FOUND"}
# The counts ride in the first batch up to this many; the structure's own commands, the
# highest ids and the deal counts take fewer than 20 of its 50 (§4), so it never overflows.
FIRST_BATCH_COUNTS = 25


class OldItems:
    """The old snapshot's smart-process items: their ids, and their numbers per process."""

    def __init__(self, deals: Sequence[Any]) -> None:
        self.ids, self.by_type = item_ids(deals)

    def first_batch(self) -> dict[str, str]:
        """The counts that ride in the first batch (the rest go in batches of their own)."""
        commands = self.count_commands()
        return commands if len(commands) <= FIRST_BATCH_COUNTS else {}

    def count_commands(self) -> dict[str, str]:
        """One counted read per process of its ids up to the old highest (§3: `start=0`)."""
        return {
            f"n_items_{kind}": command(
                "crm.item.list",
                {"entityTypeId": kind, "filter": {"<=id": ids.max()}, "select": ["id"], "start": 0},
            )
            for kind, ids in sorted(self.by_type.items())
        }

    def deleted(self, client: Bitrix24Client, first: BatchResult, max_wait: float) -> set[str]:
        """Items of the old snapshot that are gone from the portal."""
        counts = first
        commands = self.count_commands()
        if not set(commands) <= set(first.result) | set(first.errors):
            counts = BatchResult()
            names = list(commands)
            for start in range(0, len(names), MAX_BATCH):
                part = client.batch({n: commands[n] for n in names[start : start + MAX_BATCH]})
                counts.result.update(part.result)
                counts.total.update(part.total)
                counts.errors.update(part.errors)
        gone: set[str] = set()
        for kind, ids in sorted(self.by_type.items()):
            name = f"n_items_{kind}"
            if name in counts.errors:
                if counts.errors[name][0].upper() not in _GONE_TYPE:
                    client.raise_for(counts, name, "crm.item.list")
                alive = array("q")  # the whole process is gone, its items with it
            elif counts.total.get(name, -1) == len(ids):
                continue
            else:
                alive = _sweep(client, kind, ids.max(), max_wait)
            gone.update(spa_item_id(kind, n) for n in ids.missing_from(alive))
        return gone


def _sweep(client: Bitrix24Client, kind: int, top: int, max_wait: float) -> array[int]:
    """Every item number of one process up to `top`: `select` id only, keyset in batches."""
    base = {"entityTypeId": kind, "select": ["id"]}
    spec = ListSpec(f"item_ids_{kind}", "crm.item.list", "id", "id", "items", base)
    alive = array("q")
    cursor = Cursor(spec, extra={"<=id": top}, max_id=top)

    def sink(rows: list[dict[str, Any]]) -> None:
        alive.extend(spec.id_of(r) for r in rows)

    run_jobs(client, [Job(cursor, sink)], NullProgress(), max_wait=max_wait)
    return alive


__all__ = ["OldItems", "merge_items"]
