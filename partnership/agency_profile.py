"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact)."""


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    return {}
