"""Score the analyser against a labelled-funnels YAML file: P/R/F1, confusion, role accuracy."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from funnelkit.errors import InputError
from funnelkit.model.enums import FunnelKind, FunnelRole, Semantics
from funnelkit.names.analyse import ROLE_TRUST, analyse_funnel
from funnelkit.names.types import FunnelInput, Label, StageInput
from funnelkit.yamlio import YamlDoc, load_yaml

LABELS: tuple[Label, ...] = tuple(Label)
# A guessed role is right when it fits the file's coarse funnel_type.
ROLE_FITS: dict[str, frozenset[FunnelRole]] = {
    "lead": frozenset({FunnelRole.LEAD_QUALIFICATION, FunnelRole.COLD_CALLS}),
    "deal": frozenset({FunnelRole.PRIMARY_SALES, FunnelRole.PRE_SALE, FunnelRole.CLIENT_BASE}),
    "order": frozenset({FunnelRole.PRIMARY_SALES, FunnelRole.PRODUCTION}),
    "service": frozenset({FunnelRole.PRODUCTION, FunnelRole.WARRANTY, FunnelRole.OTHER}),
    "partner": frozenset({FunnelRole.PARTNERS}),
}
_NOT_SALES = frozenset(FunnelRole) - {
    FunnelRole.PRIMARY_SALES,
    FunnelRole.LEAD_QUALIFICATION,
    FunnelRole.COLD_CALLS,
    FunnelRole.PARTNERS,
}


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Counts and scores for one label over all stages."""

    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage: what the file says and what the analyser said."""

    funnel_id: str
    name: str
    gold: frozenset[Label]
    predicted: frozenset[Label]
    unsure: bool


@dataclass(frozen=True, slots=True)
class RoleResult:
    """One funnel's role guess against its funnel_type."""

    funnel_id: str
    funnel_type: str
    guessed: FunnelRole
    confidence: float
    correct: bool


@dataclass(frozen=True, slots=True)
class Fold:
    """One cross-validation fold: its held-out funnels, the parameters fit without them."""

    index: int
    funnels: tuple[str, ...]
    role_trust: float
    scores: dict[Label, LabelScore]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything evaluate_file measured."""

    source: str
    scores: dict[Label, LabelScore]
    confusion: dict[tuple[Label, Label], int]  # (labelled, predicted) → stages with both
    stages: tuple[StageResult, ...]
    roles: tuple[RoleResult, ...] = field(default=())
    folds: tuple[Fold, ...] = field(default=())  # set by cross_validate

    @property
    def role_accuracy(self) -> float:
        return sum(r.correct for r in self.roles) / len(self.roles) if self.roles else 0.0


@dataclass(frozen=True, slots=True)
class _Item:
    funnel: FunnelInput
    gold: list[frozenset[Label]]
    unsure: list[bool]
    funnel_type: str


def evaluate_file(path: Path | str) -> Evaluation:
    """Run the analyser over every funnel in a labelled file and score it."""
    items = _items(Path(path))
    stages, roles = _run(items, ROLE_TRUST)
    return Evaluation(str(path), _scores(stages), _confusion(stages), tuple(stages), tuple(roles))


# The analyser's one data-derived parameter: how sure a guessed role must be to steer the rules.
ROLE_TRUST_GRID = (0.5, 0.6, 0.7, 0.8)
# Labels whose mean F1 the fit maximises (the acceptance labels).
FIT_LABELS = (Label.DUMP, Label.VAGUE, Label.TOO_GRANULAR)


def cross_validate(path: Path | str, k: int) -> Evaluation:
    """K-fold cross-validation grouped by funnel: whole funnels are held out.

    The lexicon and the rules are fixed text (written from the articles and the label
    definitions, not mined from the file); the only parameter fit to data — the role-trust
    threshold — is chosen on the training folds and applied to the held-out fold. Scores are
    pooled over the held-out predictions; each fold's own scores are kept too.
    """
    items = _items(Path(path))
    if not 2 <= k <= len(items):
        raise InputError(
            f"--cv {k}: needs 2 ≤ K ≤ {len(items)} (the number of funnels in {path})",
            "pick a smaller K",
        )
    # Deterministic folds: funnels ordered by a hash of their id, dealt round-robin.
    order = sorted(range(len(items)), key=lambda i: zlib.crc32(items[i].funnel.id.encode()))
    fold_of = {i: n % k for n, i in enumerate(order)}
    stages: list[StageResult] = []
    roles: list[RoleResult] = []
    folds: list[Fold] = []
    for f in range(k):
        train = [it for i, it in enumerate(items) if fold_of[i] != f]
        test = [it for i, it in enumerate(items) if fold_of[i] == f]
        trust = max(ROLE_TRUST_GRID, key=lambda t: (_fit_score(train, t), -abs(t - ROLE_TRUST)))
        held, held_roles = _run(test, trust)
        stages += held
        roles += held_roles
        folds.append(Fold(f, tuple(it.funnel.id for it in test), trust, _scores(held)))
    return Evaluation(
        f"{path} ({k}-fold cross-validation by funnel)",
        _scores(stages),
        _confusion(stages),
        tuple(stages),
        tuple(roles),
        tuple(folds),
    )


def _fit_score(items: list[_Item], role_trust: float) -> float:
    scores = _scores(_run(items, role_trust)[0])
    return sum(scores[label].f1 for label in FIT_LABELS) / len(FIT_LABELS)


def _run(items: list[_Item], role_trust: float) -> tuple[list[StageResult], list[RoleResult]]:
    stages: list[StageResult] = []
    roles: list[RoleResult] = []
    for it in items:
        analysis = analyse_funnel(it.funnel, role_trust)
        for stage, labels, doubt in zip(it.funnel.stages, it.gold, it.unsure, strict=True):
            predicted = analysis.labels_of(stage.id)
            stages.append(StageResult(it.funnel.id, stage.name, labels, predicted, doubt))
        guess = analysis.role_guess
        fits = ROLE_FITS.get(it.funnel_type, _NOT_SALES)
        roles.append(
            RoleResult(
                it.funnel.id, it.funnel_type, guess.role, guess.confidence, guess.role in fits
            )
        )
    return stages, roles


def _items(path: Path) -> list[_Item]:
    doc, funnels = _load(path)
    out = []
    for index, raw in enumerate(funnels):
        funnel, gold, unsure = _funnel_input(doc, raw, index)
        out.append(_Item(funnel, gold, unsure, str(raw.get("funnel_type", "other"))))
    return out


def _scores(stages: list[StageResult]) -> dict[Label, LabelScore]:
    out = {}
    for label in LABELS:
        tp = sum(1 for s in stages if label in s.gold and label in s.predicted)
        fp = sum(1 for s in stages if label not in s.gold and label in s.predicted)
        fn = sum(1 for s in stages if label in s.gold and label not in s.predicted)
        out[label] = LabelScore(tp, fp, fn)
    return out


def _confusion(stages: list[StageResult]) -> dict[tuple[Label, Label], int]:
    # Stages carry several labels, so a stage adds one to every (labelled, predicted) pair.
    matrix = {(g, p): 0 for g in LABELS for p in LABELS}
    for s in stages:
        for g in s.gold:
            for p in s.predicted:
                matrix[(g, p)] += 1
    return matrix


def _load(path: Path) -> tuple[YamlDoc, list[Any]]:
    doc = load_yaml(path)
    funnels = doc.data.get("funnels") if isinstance(doc.data, dict) else None
    if not isinstance(funnels, list):
        hint = "a labelled file has a top-level «funnels:» list (labelled-funnels/README.md)"
        raise InputError(f"{doc.where(())}: no «funnels:» list", hint)
    return doc, funnels


def _funnel_input(
    doc: YamlDoc, raw: Any, index: int
) -> tuple[FunnelInput, list[frozenset[Label]], list[bool]]:
    loc: tuple[str | int, ...] = ("funnels", index)
    if not isinstance(raw, dict) or not isinstance(raw.get("stages"), list):
        raise InputError(f"{doc.where(loc)}: a funnel needs a «stages:» list", "add the stages")
    stages, gold, unsure = [], [], []
    for i, st in enumerate(raw["stages"]):
        where = doc.where((*loc, "stages", i))
        if not isinstance(st, dict) or not isinstance(st.get("name"), str):
            raise InputError(f"{where}: a stage needs a «name:»", "add the stage name")
        try:
            labels = frozenset(Label(x) for x in st.get("labels") or ["ok"])
            sem = Semantics(st["semantics"]) if st.get("semantics") else None
        except (ValueError, TypeError) as exc:
            hint = f"labels are {', '.join(LABELS)}; semantics is process, success or failure"
            raise InputError(f"{where}: {exc}", hint) from None
        stages.append(StageInput(str(i), st["name"], i, sem))
        gold.append(labels)
        unsure.append(bool(st.get("unsure")))
    kind = FunnelKind.LEAD if raw.get("funnel_type") == "lead" else FunnelKind.DEAL
    name = str(raw.get("funnel_name") or raw.get("id") or index)
    funnel = FunnelInput(str(raw.get("id", index)), name, kind, None, tuple(stages))
    return funnel, gold, unsure
