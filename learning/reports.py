"""The L&D section of the board pack (templates/learning/pdf/board_section.html)."""
from partnership import contract
from partnership.contract import Evidence, Fact, plural, section_context, share_status
from partnership.dates import ReportPeriod

from .figures import period_figures


def board_section(period: ReportPeriod) -> dict:
    """Figures for sessions held (and briefings used) in the period, as the records stood at its moment."""
    f = period_figures(start=period.start, end=period.end, at=period.as_at)
    facts, evidence = [], []
    if f["has_data"]:
        facts.append(Fact(contract.HOW_MUCH, f"Training: {plural(f['delivered'], 'session')} delivered, "
                                             f"{f['places_filled']} of {plural(f['places_offered'], 'place')} filled; "
                                             f"{plural(f['briefing_uses'], 'learning briefing use')}."))
    rates, uplift, practice = f["rates"], f["uplift"], f["practice"]
    if rates["attended"]:
        facts.append(Fact(contract.HOW_WELL,
                          f"Training: {rates['post']} of {plural(rates['attended'], 'delegate')} who "
                          f"attended evaluated their course."))
    if uplift["overall"] is not None:
        facts.append(Fact(contract.BETTER_OFF,
                          f"Training: confidence rose from {uplift['pre']} to {uplift['post']} out of 10 "
                          f"({plural(uplift['pairs'], 'answer')} before and after)."))
    if practice["total"]:
        facts.append(Fact(contract.BETTER_OFF,
                          f"Training: {practice['changed']} of {plural(practice['total'], 'delegate')} "
                          f"followed up had changed their practice."))
        quality = share_status(practice["changed"], practice["total"], assured_from=0.7, partly_from=0.4)
        evidence.append(Evidence(contract.QUALITY, quality,
                                 f"Training: {practice['changed']} of {practice['total']} delegates followed up "
                                 f"changed their practice."))
    return section_context({**f, "period": period}, facts=facts, evidence=evidence)
