"""The standard blueprints from the articles: all load clean and carry the articles' names."""

from __future__ import annotations

import pytest

from funnelkit.blueprint.library import bundled_files, list_bundled, load_bundled
from funnelkit.blueprint.schema import StageSpec
from funnelkit.errors import BlueprintError
from funnelkit.model import FunnelKind, FunnelRole, Semantics


def test_four_standard_sets_are_bundled() -> None:
    assert bundled_files() == [
        "000-six-funnels.yaml",
        "002-eight-funnels.yaml",
        "003-three-linked.yaml",
        "004-clean-leads.yaml",
    ]


@pytest.mark.parametrize("name", ["000", "002", "003", "004"])
def test_every_bundled_blueprint_validates(name: str) -> None:
    bp = load_bundled(name)
    for funnel in bp.funnels:
        assert funnel.names.uk and funnel.names.en, funnel.key
        successes = [s for s in funnel.stages if s.semantics is Semantics.SUCCESS]
        assert len(successes) == 1, funnel.key
        for stage in funnel.stages:
            assert stage.names.uk and stage.names.en, stage.key
            if stage.semantics is Semantics.PROCESS:
                assert stage.task is not None, f"{funnel.key}/{stage.key} has no manager's task"


def article_name(stage: StageSpec) -> str:
    """The article's own name of a stage (renamed_from where the blueprint restates it)."""
    return stage.renamed_from[0] if stage.renamed_from else stage.names.ru


def test_article_000_six_funnels_and_names() -> None:
    bp = load_bundled("000")
    roles = [f.role for f in bp.funnels]
    assert roles == [
        FunnelRole.PRIMARY_SALES,
        FunnelRole.REFUSALS,
        FunnelRole.CLIENT_BASE,
        FunnelRole.COLD_CALLS,
        FunnelRole.NPS,
        FunnelRole.PARTNERS,
    ]
    primary = bp.funnel("primary-sales")
    assert primary is not None
    # the article's names, or the name that states them as situation + task (renamed_from)
    assert [article_name(s) for s in primary.stages][:6] == [
        "Входящая заявка",
        "Взят в работу",
        "Квалификация пройдена",
        "Отправлено КП",
        "Договор/счет отправлен",
        "Предоплата/оплата получена",
    ]
    refusals = bp.funnel("refusals")
    assert refusals is not None
    assert "Отложенный спрос" in [s.names.ru for s in refusals.stages]
    assert len(bp.tunnels) >= 3
    # "has demand, not ready" goes from cold calls to «Отложенный спрос» (the refusals funnel)
    routes = {(t.from_.funnel, t.from_.stage, t.to.funnel, t.to.stage) for t in bp.tunnels}
    assert ("cold-calls", "not-ready", "refusals", "postponed") in routes


def test_003_routes_refusals_by_reason_and_002_warranty_branches() -> None:
    bp = load_bundled("003")
    into_warm_up = {t.to.stage for t in bp.tunnels if t.to.funnel == "warm-up"}
    assert {"lost-contact", "refused", "postponed", "over-budget"} <= into_warm_up
    warranty = load_bundled("002").funnel("warranty")
    assert warranty is not None
    branches = [s.key for s in warranty.stages if s.key in ("defect", "transit-damage", "misuse")]
    assert len(branches) == 3


def test_002_003_004_shapes() -> None:
    assert len(load_bundled("002").funnels) == 8
    search = load_bundled("003").funnel("search")
    assert search is not None
    assert [article_name(s) for s in search.stages][:4] == [
        "Выявление потребностей",
        "Приглашение на встречу",
        "Встреча",
        "Посещение РБС",
    ]
    leads = load_bundled("004").funnel("leads")
    assert leads is not None and leads.kind is FunnelKind.LEAD


def test_list_and_unknown_name() -> None:
    infos = list_bundled("ru")
    assert infos[0].funnels[0] == "Первичные продажи"
    with pytest.raises(BlueprintError, match="no bundled blueprint"):
        load_bundled("999")
