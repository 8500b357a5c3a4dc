"""Closed vocabularies of the vendor-neutral model."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

#: The languages every text a person reads is written in; the one list all parts use.
Lang = Literal["en", "ru", "uk"]
LANGS: tuple[Lang, ...] = ("en", "ru", "uk")


class Vendor(StrEnum):
    """The CRMs funnelkit talks to."""

    BITRIX24 = "bitrix24"
    AMOCRM = "amocrm"


class Semantics(StrEnum):
    """What reaching a stage means: still working, won, or lost."""

    PROCESS = "process"
    SUCCESS = "success"
    FAILURE = "failure"


class FunnelKind(StrEnum):
    """Bitrix24 keeps leads in their own entity; every amoCRM pipeline is a deal funnel.

    SPA is one category of a Bitrix24 smart process (its own entity type with its own
    funnels, bitrix24.md §12).
    """

    DEAL = "deal"
    LEAD = "lead"
    SPA = "spa"


class FunnelRole(StrEnum):
    """The business purpose of a funnel (shared/rules.md, "Funnel roles")."""

    LEAD_QUALIFICATION = "lead-qualification"
    COLD_CALLS = "cold-calls"
    PRE_SALE = "pre-sale"
    PRIMARY_SALES = "primary-sales"
    REFUSALS = "refusals"
    CLIENT_BASE = "client-base"
    PRODUCTION = "production"
    SUPPLIES = "supplies"
    WARRANTY = "warranty"
    NPS = "nps"
    PARTNERS = "partners"
    LISTS = "lists"
    OTHER = "other"


class RoleSource(StrEnum):
    """Where a funnel's role came from; reports say which."""

    BLUEPRINT = "blueprint"
    CONFIG = "config"
    GUESS = "guess"


class EntityKind(StrEnum):
    """The kind of record a deal row stands for."""

    DEAL = "deal"
    LEAD = "lead"
    ITEM = "item"  # a Bitrix24 smart-process item, in an SPA funnel


class ActivityKind(StrEnum):
    """Tasks and interactions, folded into one vocabulary across vendors."""

    TASK = "task"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    MESSAGE = "message"
    NOTE = "note"


class TransitionKind(StrEnum):
    """How a history row came about (Bitrix24 stagehistory TYPE_ID 1/2/3)."""

    CREATED = "created"
    MOVED = "moved"
    FUNNEL_CHANGED = "funnel_changed"


class TunnelMode(StrEnum):
    """A tunnel copies the deal into the target funnel or moves it there."""

    COPY = "copy"
    MOVE = "move"


class TunnelSource(StrEnum):
    """How funnelkit knows of a tunnel."""

    VENDOR = "vendor"
    BLUEPRINT = "blueprint"
    OBSERVED = "observed"


class DataSet(StrEnum):
    """The data sets a snapshot may hold; rules declare which they need."""

    STRUCTURE = "structure"
    USERS = "users"
    DEALS = "deals"
    LEADS = "leads"
    STAGE_HISTORY = "stage_history"
    STAGE_HISTORY_AUTHOR = "stage_history_author"
    RESPONSIBLE_HISTORY = "responsible_history"
    TASKS = "tasks"
    ACTIVITIES = "activities"
    DEADLINE_HISTORY = "deadline_history"
    CONTACTS = "contacts"
    COMPANIES = "companies"
    LOSS_REASONS = "loss_reasons"
    CUSTOM_FIELDS = "custom_fields"
    TUNNELS = "tunnels"
    LAST_ACTIVITY_TIME = "last_activity_time"


class DataState(StrEnum):
    """Whether a data set is in the snapshot, and if not, whose choice that was."""

    PULLED = "pulled"
    NOT_PULLED = "not_pulled"
    UNAVAILABLE = "unavailable"
