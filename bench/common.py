"""Shared benchmark plumbing: child processes for clean peak memory, result tables."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass
class Result:
    """One benchmark row: a name and its measured figures."""

    bench: str
    subject: str
    figures: dict[str, Any] = field(default_factory=dict)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux keeps `ru_maxrss` across fork+exec, so a child started by a parent holding a big
    generated portal would report the parent's peak; VmHWM belongs to this program alone.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(module: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run `python -m module args…` and parse the JSON it prints last."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        return {
            "error": (done.stderr.strip().splitlines() or ["failed"])[-1],
            "seconds": round(time.perf_counter() - started, 1),
        }
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def machine() -> str:
    """A one-line description of where the numbers were taken."""
    cpus = len(__import__("os").sched_getaffinity(0))
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kb = int(handle.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return (
        f"{platform.processor() or platform.machine()}, {cpus} cores{memory}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def markdown(results: list[Result], title: str) -> str:
    """Results grouped by benchmark, one table each."""
    lines = [f"# {title}", ""]
    for bench in dict.fromkeys(r.bench for r in results):
        rows = [r for r in results if r.bench == bench]
        keys = list(dict.fromkeys(k for r in rows for k in r.figures))
        lines += [f"## {bench}", "", "| | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
        for r in rows:
            cells = [str(r.figures.get(k, "")) for k in keys]
            lines.append(f"| {r.subject} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
