"""Every audit rule, registered explicitly (a rule absent from ALL_RULES does not exist)."""

from __future__ import annotations

from funnelkit.audit.rule import Rule
from funnelkit.audit.rules.fk101_dump_stages import DumpStages
from funnelkit.audit.rules.fk102_vague_names import VagueNames
from funnelkit.audit.rules.fk103_merged_stages import MergedStages
from funnelkit.audit.rules.fk104_too_granular import TooGranularStages
from funnelkit.audit.rules.fk105_stage_count import StageCount
from funnelkit.audit.rules.fk201_stuck_deals import StuckDeals
from funnelkit.audit.rules.fk202_skipped_by_neglect import SkippedByNeglect
from funnelkit.audit.rules.fk203_lost_without_reason import LostWithoutReason
from funnelkit.audit.rules.fk204_reentry import Reentry
from funnelkit.audit.rules.fk301_no_task import NoTaskOrOverdue
from funnelkit.audit.rules.fk302_postponed_tasks import PostponedTasks
from funnelkit.audit.rules.fk303_no_recent_interaction import NoRecentInteraction
from funnelkit.audit.rules.fk401_mixed_lead_deal import MixedLeadDeal
from funnelkit.audit.rules.fk402_needless_lead_funnel import NeedlessLeadFunnel
from funnelkit.audit.rules.fk403_single_funnel import SingleFunnelForAll
from funnelkit.audit.rules.fk404_no_refusal_funnel import NoRefusalFunnel
from funnelkit.audit.rules.fk405_handoff import HandoffByReassignment
from funnelkit.audit.rules.fk406_helper_field import HelperEmployeeField
from funnelkit.audit.rules.fk501_isolated_funnel import IsolatedFunnel
from funnelkit.audit.rules.fk502_contact_without_deal import ContactWithoutOpenDeal

ALL_RULES: list[type[Rule]] = [
    DumpStages,
    VagueNames,
    MergedStages,
    TooGranularStages,
    StageCount,
    StuckDeals,
    SkippedByNeglect,
    LostWithoutReason,
    Reentry,
    NoTaskOrOverdue,
    PostponedTasks,
    NoRecentInteraction,
    MixedLeadDeal,
    NeedlessLeadFunnel,
    SingleFunnelForAll,
    NoRefusalFunnel,
    HandoffByReassignment,
    HelperEmployeeField,
    IsolatedFunnel,
    ContactWithoutOpenDeal,
]
