"""Plain-text and JSON renderings of an Evaluation."""

from __future__ import annotations

from typing import Any

from funnelkit.names.evaluate import FIT_LABELS, LABELS, Evaluation, LabelScore, StageResult

_SHORT: dict[str, str] = {
    "ok": "ok",
    "dump": "dump",
    "vague": "vague",
    "merged": "merged",
    "too-granular": "granular",
    "sales-stage-in-lead-funnel": "sales-in-lead",
}


_FIT = tuple(f"f1 {_SHORT[label.value]}" for label in FIT_LABELS)


def render_evaluation(ev: Evaluation) -> str:
    """A plain-text report: per-label scores, confusion, role-guess accuracy."""
    lines = [
        f"name analyser on {ev.source}: {len(ev.roles)} funnels, {len(ev.stages)} stages",
        "",
        f"{'label':<28}{'support':>8}{'tp':>5}{'fp':>5}{'fn':>5}"
        f"{'precision':>11}{'recall':>8}{'f1':>7}",
    ]
    for label in LABELS:
        s = ev.scores[label]
        lines.append(
            f"{label.value:<28}{s.support:>8}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            f"{s.precision:>11.2f}{s.recall:>8.2f}{s.f1:>7.2f}"
        )
    lines += ["", "confusion (rows: labelled, columns: predicted; stages with both labels)"]
    heads = [_SHORT[label.value] for label in LABELS]
    lines.append(f"{'':<15}" + "".join(f"{h:>14}" for h in heads))
    for g in LABELS:
        cells = "".join(f"{ev.confusion[(g, p)]:>14}" for p in LABELS)
        lines.append(f"{_SHORT[g.value]:<15}{cells}")
    if ev.folds:
        lines += ["", "folds (held-out funnels; role trust fit on the other folds)"]
        lines.append(f"{'fold':<6}{'funnels':>8}{'trust':>7}" + "".join(f"{h:>14}" for h in _FIT))
        for fold in ev.folds:
            f1s = "".join(f"{fold.scores[label].f1:>14.2f}" for label in FIT_LABELS)
            lines.append(f"{fold.index:<6}{len(fold.funnels):>8}{fold.role_trust:>7.2f}{f1s}")
    correct = sum(r.correct for r in ev.roles)
    lines += ["", f"role guess: {correct}/{len(ev.roles)} fit funnel_type ({ev.role_accuracy:.0%})"]
    lines += [
        f"  {r.funnel_id}: {r.funnel_type} ≠ {r.guessed.value} ({r.confidence:.2f})"
        for r in ev.roles
        if not r.correct
    ]
    return "\n".join(lines) + "\n"


def evaluation_json(ev: Evaluation) -> dict[str, Any]:
    """The same numbers as a JSON-ready dict, plus every stage the analyser got wrong."""
    return {
        "source": ev.source,
        "funnels": len(ev.roles),
        "stages": len(ev.stages),
        "labels": {label.value: _score_json(s) for label, s in ev.scores.items()},
        "confusion": [
            {"labelled": g.value, "predicted": p.value, "stages": n}
            for (g, p), n in ev.confusion.items()
            if n
        ],
        "role_accuracy": round(ev.role_accuracy, 4),
        "roles": [
            {
                "funnel": r.funnel_id,
                "funnel_type": r.funnel_type,
                "guessed": r.guessed.value,
                "confidence": r.confidence,
                "correct": r.correct,
            }
            for r in ev.roles
        ],
        "folds": [
            {
                "fold": f.index,
                "funnels": list(f.funnels),
                "role_trust": f.role_trust,
                "labels": {label.value: _score_json(sc) for label, sc in f.scores.items()},
            }
            for f in ev.folds
        ],
        "mismatches": [_stage_json(s) for s in ev.stages if s.gold != s.predicted],
    }


def _score_json(s: LabelScore) -> dict[str, Any]:
    return {
        "support": s.support,
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
    }


def _stage_json(s: StageResult) -> dict[str, Any]:
    return {
        "funnel": s.funnel_id,
        "stage": s.name,
        "labelled": sorted(label.value for label in s.gold),
        "predicted": sorted(label.value for label in s.predicted),
        "unsure": s.unsure,
    }
