"""Grouping integer arrays by sorting: numpy 2's `np.unique` hashes, which is slow here.

On 5.6M int64 values `np.unique` takes seconds where a sort plus a mask takes a tenth
of one; tests/store/test_numpy_guard.py keeps `np.unique` out of the package.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def distinct(values: Ints) -> Ints:
    """Sorted distinct values."""
    if not len(values):
        return values
    s = np.sort(values)
    return s[np.r_[True, s[1:] != s[:-1]]]


def group_starts(sorted_values: Ints) -> Ints:
    """Where each run of equal values starts in a sorted array."""
    if not len(sorted_values):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])


def distinct_counts(values: Ints) -> tuple[Ints, Ints]:
    """Sorted distinct values and how often each occurs."""
    if not len(values):
        return values, np.zeros(0, np.int64)
    s = np.sort(values)
    starts = group_starts(s)
    counts = np.diff(np.r_[starts, len(s)])
    return s[starts], counts


def small_distinct(values: Ints, bound: int) -> Ints:
    """Sorted distinct values known to lie in [0, bound): a bincount when bound is small."""
    if 0 < bound <= 4_000_000 and len(values) > bound // 8:
        return np.flatnonzero(np.bincount(values, minlength=bound))
    return distinct(values)
