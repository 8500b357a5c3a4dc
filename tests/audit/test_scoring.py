"""Precision and recall against an answer key, and the `emulator score` command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from funnelkit.audit.findings import Finding, RuleOutcome, Severity, Subject
from funnelkit.audit.scoring import KeyRow, score
from funnelkit.cli import app


def _f(code: str, kind: str, id_: str, related: tuple[str, ...] = ()) -> Finding:
    return Finding(code, "x", Severity.LOW, Subject(kind, id_), "", {}, related)


def test_precision_counts_findings_recall_counts_planted() -> None:
    key = [KeyRow("FK201", "deal", d) for d in ("1", "2", "3", "4")]
    key += [KeyRow("FK202", "user", "9"), KeyRow("FK202", "deal", "5")]
    found = [_f("FK201", "deal", "1"), _f("FK201", "deal", "2"), _f("FK201", "deal", "8")]
    found += [_f("FK202", "user", "9", ("5",))]
    outcomes = [RuleOutcome("FK201", "a", "ran", None, 3), RuleOutcome("FK202", "b", "ran")]
    outcomes.append(RuleOutcome("FK302", "c", "skipped", "no deadline history"))
    by = {s.code: s for s in score(found, outcomes, [*key, KeyRow("FK302", "task", "T1")])}
    assert by["FK201"].precision == 2 / 3 and by["FK201"].recall == 0.5
    assert by["FK201"].false_positives == ["8"] and by["FK201"].misses == ["3", "4"]
    assert by["FK202"].precision == 1.0 and by["FK202"].recall == 1.0
    assert by["FK302"].recall is None and "no deadline history" in str(by["FK302"].skipped)


def test_emulator_score_prints_every_rule() -> None:
    out = CliRunner().invoke(
        app,
        [
            "emulator",
            "score",
            "--vendor",
            "amocrm",
            "--seed",
            "4242",
            "--deals",
            "400",
            "--as-of",
            "2026-06-01",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    codes = {r["code"] for r in doc["rules"]}
    assert {"FK201", "FK301", "FK502"} <= codes
    assert all(r["skipped"] or r["precision"] is not None or r["found"] == 0 for r in doc["rules"])
