"""Name and definition of every metric, in English: the report footer prints these.

The report translates them (its gettext catalogs, contexts `metric.KEY.name` and
`metric.KEY.definition`).
"""

from __future__ import annotations

# key → (name, definition)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "open": (
        "Open now",
        "Deals currently in the stage (process stages only).",
    ),
    "entered_strict": (
        "Reached in order",
        "Deals that entered this stage and every earlier stage of the forward sequence; a deal "
        "that skipped a stage is not counted further on.",
    ),
    "entered_any": (
        "Reached in any order",
        "Deals that entered this stage at least once, whatever the order.",
    ),
    "next_step": (
        "Next-step conversion",
        "Deals reaching the next stage ÷ deals reaching this one (strict: in order; any: any "
        "order).",
    ),
    "cumulative": (
        "Cumulative conversion",
        "Deals reaching this stage ÷ deals reaching the first one.",
    ),
    "key_stage": (
        "Key stage",
        "The step with the lowest in-order next-step conversion among steps entered by at least 5"
        " deals: where the funnel loses most revenue.",
    ),
    "latest_days": (
        "Time in stage, latest",
        "Days of each deal's most recent completed visit; deals still in the stage are not "
        "counted (median and p90).",
    ),
    "cumulative_days": (
        "Time in stage, cumulative",
        "All completed visits of a deal to the stage summed, returns included (median and p90).",
    ),
    "win_rate": (
        "Win rate",
        "Won ÷ (won + lost) over closed deals; by value: the same in amounts, portal currency "
        "only.",
    ),
    "sales_cycle": (
        "Sales cycle",
        "Days from creation to close, over closed deals (median and p90).",
    ),
    "lost_by_reason": (
        "Lost by reason",
        "Lost deals per loss reason (amoCRM) or per failure stage (Bitrix24, where there are "
        "several).",
    ),
    "reentering_clients": (
        "Clients entering twice",
        "Contacts with more than one deal in the same funnel.",
    ),
    "weighted_pipeline": (
        "Weighted pipeline",
        "Open amounts × the stage probability from the blueprint.",
    ),
    "open_without_task": (
        "Open deals without a task",
        "Open deals of the manager with no open task.",
    ),
    "ltv": (
        "LTV",
        "Sum of the client's won deals, per currency (never added across currencies).",
    ),
    "days_since_interaction": (
        "Days since interaction",
        "Days since the last call, e-mail, meeting, message or recorded activity with the client.",
    ),
    "lead_conversion": (
        "Lead → deal by source",
        "Leads of each source that reached the converted status.",
    ),
}


def definition(key: str) -> tuple[str, str]:
    """(name, definition) of a metric, in English."""
    return DEFINITIONS[key]
