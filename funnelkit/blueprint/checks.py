"""Checks a schema cannot express: unique keys, references, one success stage, tunnel loops."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from funnelkit.blueprint.matching import norm
from funnelkit.blueprint.schema import Blueprint, FunnelSpec, TunnelEnd, TunnelOn, TunnelSpec
from funnelkit.model import FunnelKind, Semantics

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def check_blueprint(bp: Blueprint) -> list[Problem]:
    """Every semantic problem of a structurally valid blueprint, with where it is."""
    problems: list[Problem] = []
    problems += _duplicates(
        [f.key for f in bp.funnels], ("funnels",), "key", "funnel key {!r} is used twice"
    )
    problems += _duplicates(
        [r.key for r in bp.loss_reasons], ("loss_reasons",), "key", "loss reason {!r} twice"
    )
    mains = [i for i, f in enumerate(bp.funnels) if f.main and not f.absent]
    for i in mains[1:]:
        problems.append((("funnels", i, "main"), "only one funnel can be the main funnel"))
    for i, funnel in enumerate(bp.funnels):
        problems += _check_funnel(bp, funnel, ("funnels", i), bp.language)
    for i, tunnel in enumerate(bp.tunnels):
        problems += _check_tunnel(bp, tunnel, ("tunnels", i))
    problems += _tunnel_cycles(bp)
    problems += list(_check_moved(bp))
    return problems


def _duplicates(keys: list[str], base: Loc, field: str, message: str) -> list[Problem]:
    counts = Counter(keys)
    seen: set[str] = set()
    out: list[Problem] = []
    for i, key in enumerate(keys):
        if counts[key] > 1 and key in seen:
            out.append(((*base, i, field), message.format(key)))
        seen.add(key)
    return out


def _check_funnel(bp: Blueprint, funnel: FunnelSpec, loc: Loc, lang: str) -> list[Problem]:
    out = _duplicates(
        [s.key for s in funnel.stages], (*loc, "stages"), "key", "stage key {!r} is used twice"
    )
    out += _same_names(funnel, loc, lang)
    out += _merges(bp, funnel, loc)
    successes = [i for i, s in enumerate(funnel.stages) if s.semantics is Semantics.SUCCESS]
    for i in successes[1:]:
        out.append(((*loc, "stages", i, "semantics"), "a funnel has at most one success stage"))
    for i, stage in enumerate(funnel.stages):
        where = (*loc, "stages", i, "move_deals_to")
        if stage.move_deals_to is None:
            continue
        if not stage.absent:
            out.append((where, "move_deals_to only makes sense with `absent: true`"))
        ref = stage.move_deals_to
        target = ref if "/" in ref else f"{funnel.key}/{ref}"
        problem = _live_stage(bp, target) or _same_entity(bp, funnel, target)
        if problem is None and target == f"{funnel.key}/{stage.key}":
            problem = "a stage cannot move its deals to itself"
        if problem:
            out.append((where, problem))
    if funnel.move_deals_to is not None:
        where = (*loc, "move_deals_to")
        if not funnel.absent:
            out.append((where, "move_deals_to only makes sense with `absent: true`"))
        if "/" not in funnel.move_deals_to:
            out.append((where, "a funnel's deals move to `funnel/stage`"))
        elif funnel.move_deals_to.split("/")[0] == funnel.key:
            out.append((where, "a funnel cannot move its deals into itself"))
        else:
            problem = _live_stage(bp, funnel.move_deals_to)
            problem = problem or _same_entity(bp, funnel, funnel.move_deals_to)
            if problem:
                out.append((where, problem))
    return out


def _same_names(funnel: FunnelSpec, loc: Loc, lang: str) -> list[Problem]:
    """Two stages one manager sees under the same name are one stage to them (and to matching)."""
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for i, stage in enumerate(funnel.stages):
        if stage.leaving:
            continue
        name = stage.names.get(lang)
        key = " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()
        if key in seen:
            out.append(
                (
                    (*loc, "stages", i, "names"),
                    f"stage name «{name}» is already used by stage {seen[key]!r} of this funnel",
                )
            )
        else:
            seen[key] = stage.key
    return out


def _merges(bp: Blueprint, funnel: FunnelSpec, loc: Loc) -> list[Problem]:
    """`merge_into: KEY` names another stage of the same funnel that stays."""
    out: list[Problem] = []
    for i, stage in enumerate(funnel.stages):
        if stage.merge_into is None:
            continue
        where = (*loc, "stages", i, "merge_into")
        if stage.absent or stage.move_deals_to is not None:
            out.append((where, "merge_into already moves the deals and removes the stage"))
        elif stage.merge_into == stage.key:
            out.append((where, "a stage cannot be merged into itself"))
        else:
            target = funnel.stage(stage.merge_into)
            if target is not None and target.merge_into is not None:
                out.append((where, f"stage {stage.merge_into!r} is itself merged away"))
            else:
                problem = _live_stage(bp, f"{funnel.key}/{stage.merge_into}")
                if problem:
                    out.append((where, problem))
    return out


def _same_entity(bp: Blueprint, funnel: FunnelSpec, ref: str) -> str | None:
    """Records move within their own kind: a smart process's items stay in that process
    (crm.item.update changes the category of one entity type, bitrix24.md §7.4, §12)."""
    target = bp.funnel(ref.partition("/")[0])
    if target is None:
        return None
    spa = FunnelKind.SPA
    if (funnel.kind is spa or target.kind is spa) and _process(funnel) != _process(target):
        what = "a smart process's items" if funnel.kind is spa else "deals"
        return f"{what} cannot move to funnel {target.key!r}: it is not of the same process"
    return None


def _process(funnel: FunnelSpec) -> str | None:
    return norm(funnel.process.title) if funnel.process else None


def _live_stage(bp: Blueprint, ref: str) -> str | None:
    """None when `funnel/stage` names a stage that stays; else what is wrong."""
    funnel_key, _, stage_key = ref.partition("/")
    funnel = bp.funnel(funnel_key)
    if funnel is None:
        return f"points to funnel {funnel_key!r}, which the blueprint does not declare"
    if funnel.absent:
        return f"points into funnel {funnel_key!r}, which is being removed"
    stage = funnel.stage(stage_key)
    if stage is None:
        return f"points to stage {stage_key!r}, which funnel {funnel_key!r} does not have"
    if stage.leaving:
        return f"points to stage {ref!r}, which is being removed"
    return None


def _end_problem(bp: Blueprint, end: TunnelEnd) -> str | None:
    if end.stage is None:
        funnel = bp.funnel(end.funnel)
        if funnel is None:
            return f"points to funnel {end.funnel!r}, which the blueprint does not declare"
        return None
    return _live_stage(bp, f"{end.funnel}/{end.stage}")


def _check_tunnel(bp: Blueprint, tunnel: TunnelSpec, loc: Loc) -> list[Problem]:
    out: list[Problem] = []
    for name, end in (("from", tunnel.from_), ("to", tunnel.to)):
        problem = _end_problem(bp, end)
        if problem:
            out.append(((*loc, name), problem))
    if out:
        return out
    if tunnel.from_.funnel == tunnel.to.funnel:
        out.append(((*loc, "to"), "a tunnel links two different funnels"))
    if tunnel.on is TunnelOn.STAGE and tunnel.from_.stage is None:
        out.append(((*loc, "from"), "a tunnel `on: stage` needs `from.stage`"))
    source = bp.funnel(tunnel.from_.funnel)
    stage = source.stage(tunnel.from_.stage) if source and tunnel.from_.stage else None
    wanted = {TunnelOn.WON: Semantics.SUCCESS, TunnelOn.LOST: Semantics.FAILURE}.get(tunnel.on)
    if stage is not None and wanted is not None and stage.semantics is not wanted:
        out.append(((*loc, "from"), f"`on: {tunnel.on}` needs a {wanted} stage"))
    return out


def tunnel_sources(bp: Blueprint, tunnel: TunnelSpec) -> list[str]:
    """The `funnel/stage` refs whose arrival fires the tunnel."""
    funnel = bp.funnel(tunnel.from_.funnel)
    if funnel is None:
        return []
    if tunnel.from_.stage is not None:
        return [f"{funnel.key}/{tunnel.from_.stage}"]
    wanted = Semantics.SUCCESS if tunnel.on is TunnelOn.WON else Semantics.FAILURE
    return [f"{funnel.key}/{s.key}" for s in funnel.stages if s.semantics is wanted]


def tunnel_target(bp: Blueprint, tunnel: TunnelSpec) -> str | None:
    """The `funnel/stage` a tunnel lands on (the first working stage when not given)."""
    funnel = bp.funnel(tunnel.to.funnel)
    if funnel is None:
        return None
    if tunnel.to.stage is not None:
        return f"{funnel.key}/{tunnel.to.stage}"
    first = next((s for s in funnel.stages if not s.leaving), None)
    return f"{funnel.key}/{first.key}" if first else None


def _tunnel_cycles(bp: Blueprint) -> list[Problem]:
    """A deal landing on a stage that fires another tunnel back would bounce for ever."""
    edges: dict[str, list[tuple[str, int]]] = {}
    for i, tunnel in enumerate(bp.tunnels):
        target = tunnel_target(bp, tunnel)
        if target is None:
            continue
        for source in tunnel_sources(bp, tunnel):
            edges.setdefault(source, []).append((target, i))
    reported: set[int] = set()
    out: list[Problem] = []
    for start in sorted(edges):
        path = _find_cycle(edges, start)
        if path and path[0] not in reported:
            reported.add(path[0])
            chain = " → ".join(_arrow(bp, i) for i in path)
            out.append((("tunnels", path[0]), f"tunnels form a loop: {chain}"))
    return out


def _arrow(bp: Blueprint, index: int) -> str:
    tunnel = bp.tunnels[index]
    return f"{tunnel.from_.funnel}/{tunnel.from_.stage or tunnel.on} ⇒ {tunnel.to.funnel}"


def _find_cycle(edges: dict[str, list[tuple[str, int]]], start: str) -> list[int] | None:
    """Tunnel indexes of a cycle through `start`, if any (depth-first)."""
    stack: list[tuple[str, list[int], frozenset[str]]] = [(start, [], frozenset({start}))]
    while stack:
        node, path, seen = stack.pop()
        for target, index in edges.get(node, []):
            if target == start:
                return sorted([*path, index])
            if target not in seen:
                stack.append((target, [*path, index], seen | {target}))
    return None


def _check_moved(bp: Blueprint) -> Iterator[Problem]:
    for i, moved in enumerate(bp.moved):
        if ("/" in moved.from_) != ("/" in moved.to):
            yield (("moved", i), "moved links a funnel to a funnel or a stage to a stage")
            continue
        if "/" in moved.to:
            problem = _live_stage(bp, moved.to)
        else:
            problem = None if bp.funnel(moved.to) else f"funnel {moved.to!r} is not declared"
        if problem:
            yield (("moved", i, "to"), problem)
        old = moved.from_.split("/")
        funnel = bp.funnel(old[0])
        exists = funnel is not None and (len(old) == 1 or funnel.stage(old[1]) is not None)
        if exists:
            yield (("moved", i, "from"), f"{moved.from_!r} still exists in the blueprint")
