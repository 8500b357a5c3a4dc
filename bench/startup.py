"""CLI start-up: `funnelkit --help` wall time (heavy imports must stay lazy)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.common import Result


def startup_benchmark(runs: int = 7) -> list[Result]:
    """Median of several `python -m funnelkit --help` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "funnelkit", "--help"], capture_output=True, check=True
        )
        times.append(time.perf_counter() - started)
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare.append(time.perf_counter() - started)
    return [
        Result(
            "CLI start-up",
            "funnelkit --help",
            {
                "median s": round(statistics.median(times), 3),
                "python -c pass, median s": round(statistics.median(bare), 3),
                "target s": 0.4,
            },
        )
    ]
