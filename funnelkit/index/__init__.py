"""Coded columns over a snapshot: the one stage-history index rules and metrics share, and
sort-based grouping helpers (no hash-based np.unique on large arrays)."""
