"""The statutory duties this app's records answer (partnership.contract.DutyReading), by check name."""

CHECKS: dict = {}
