"""The yearly report's two statutory duties, for the duties register (partnership.contract.DutyReading).

- `yearly_report_published`: a yearly report published at least once in every `months` (12 by default),
  read from the publication record (the date it went on the website).
- `yearly_report_sent`: the latest published report sent to the national Panel and to the Department for
  Education within `days` (7 by default) of its publication.

Each check reads the duty's parameters through `Duty.parameter` (the keys duties.yaml writes; a duty without them
takes the defaults) and answers with two queries at most (one for both in a page's request).
"""
import datetime

from partnership.contract import BREACHED, DUE, MET, DutyReading, EvidenceItem, day_words
from partnership.dates import add_months
from partnership.links import pk_url
from partnership.models import YearlyReport
from partnership.request_memo import once_per_request

DUE_SOON_DAYS = 60  # a report due within two months is "due"


def _latest_published():
    """The latest report published: one query, once per page (both duties read it)."""
    return once_per_request("yearly_duties.latest_published", lambda: (
        YearlyReport.objects.filter(published_on__isnull=False).defer("pdf").order_by("-published_on", "-pk").first()))


def _item(report: YearlyReport, text: str) -> EvidenceItem:
    return EvidenceItem(label=text, url=pk_url("yearly-report", report.pk))


def yearly_report_published(duty, today: datetime.date) -> DutyReading:
    every = duty.parameter("months", 12)
    report = _latest_published()
    if report is None:
        return DutyReading(DUE, f"No yearly report has been recorded as published. One must be published at least "
                                f"once every {every} months.")
    due_on = add_months(report.published_on, every)
    item = _item(report, f"Yearly report {report.label}, published {day_words(report.published_on)}")
    if today > due_on:
        return DutyReading(BREACHED, f"The last yearly report ({report.label}) was published on "
                                     f"{day_words(report.published_on)}: the next was due by {day_words(due_on)}.",
                           (item,), due_on)
    status = DUE if (due_on - today).days <= DUE_SOON_DAYS else MET
    return DutyReading(status, f"The yearly report {report.label} was published on {day_words(report.published_on)}; "
                               f"the next is due by {day_words(due_on)}.", (item,), due_on)


def yearly_report_sent(duty, today: datetime.date) -> DutyReading:
    within = duty.parameter("days", 7)
    report = _latest_published()
    if report is None:
        return DutyReading(DUE, "No yearly report has been published yet, so none has been sent.")
    due_on = report.published_on + datetime.timedelta(days=within)
    sent = {"the national Panel": report.sent_to_panel_on, "the Department for Education": report.sent_to_dfe_on}
    items = tuple(_item(report, f"Sent to {who} on {day_words(day)}" if day else f"Not yet sent to {who}")
                  for who, day in sent.items())
    late = [who for who, day in sent.items() if day is not None and day > due_on]
    missing = [who for who, day in sent.items() if day is None]
    if late or (missing and today > due_on):
        what = " and ".join(late + missing)
        return DutyReading(BREACHED, f"The yearly report {report.label} was not sent to {what} within {within} days "
                                     f"of its publication (by {day_words(due_on)}).", items, due_on)
    if missing:
        return DutyReading(DUE, f"Send the yearly report {report.label} to {' and '.join(missing)} by "
                                f"{day_words(due_on)}.", items, due_on)
    return DutyReading(MET, f"The yearly report {report.label} was sent to the national Panel and the Department for "
                            f"Education within {within} days of its publication.", items, due_on)


CHECKS = {"yearly_report_published": yearly_report_published, "yearly_report_sent": yearly_report_sent}
