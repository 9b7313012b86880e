"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence)."""


def for_priorities(priorities, period) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries."""
    return {}
