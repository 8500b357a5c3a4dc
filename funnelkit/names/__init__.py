"""Stage-name analysis: dump, vague, merged, too-granular stages and funnel roles (issue 8)."""

from __future__ import annotations

from funnelkit.names.analyse import analyse_funnel
from funnelkit.names.roles import guess_role
from funnelkit.names.types import (
    FunnelAnalysis,
    FunnelInput,
    Label,
    RoleGuess,
    StageInput,
    StageVerdict,
)

__all__ = [
    "FunnelAnalysis",
    "FunnelInput",
    "Label",
    "RoleGuess",
    "StageInput",
    "StageVerdict",
    "analyse_funnel",
    "guess_role",
]
