"""The allocator Arrow reads snapshots with.

Arrow's default pool on Linux (mimalloc) keeps the memory of freed buffers for reuse; loading
a snapshot and coding its columns frees a great deal of short-lived buffers, so the process
grew by what it had once used rather than what it still held. On the million-deal snapshot
the audit peaked about 370 MB lower while the history index was built, 190 MB lower over
the metrics, with jemalloc (which hands freed pages back) or the system allocator. A pool
the user chose (ARROW_DEFAULT_MEMORY_POOL) is left alone.
"""

from __future__ import annotations

import os

import pyarrow as pa

_chosen = False


def use_returning_pool() -> None:
    """Make Arrow allocate from a pool that gives freed memory back (once per process)."""
    global _chosen
    if _chosen or os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    _chosen = True
    try:
        pool = pa.jemalloc_memory_pool()
    except pa.ArrowNotImplementedError:  # a pyarrow build without jemalloc
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)
