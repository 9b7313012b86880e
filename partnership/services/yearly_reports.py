"""The yearly report's life, and the "you said, we did" feedback record. Who may do what is decided here.

- The business unit starts a report for any 12 months that have begun (a financial year by default), writes the
  sections only people can write, reopens it, publishes it once the three partners have approved, and keeps the
  publication record. It also keeps the feedback record.
- Each safeguarding partner approves: the lead of a statutory-partner agency (local authority, integrated care
  board, police) for their own partner, or the chair or the business unit recording, with the approver's name, an
  approval given at a meeting or by letter (partners' leaders rarely sign in to the service; the record says who
  approved and who recorded it).
- The QA subgroup, readers and the statutory partners' leads read; other agencies do not see the report's pages.
"""
import datetime
import hashlib
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.dates import ReportPeriod
from partnership.history import save_versioned
from partnership.models import (
    Feedback,
    Role,
    SafeguardingPartner,
    User,
    YearlyReport,
    YearlyReportApproval,
)
from partnership.models.yearly_reports import PARTNER_SECTORS

from .errors import ConflictError, ServiceError
from .exports import export_request
from .outbox import enqueue_email

PUBLISH_KIND = "yearly-report-publish"
DOCX_KIND = "yearly-report-docx"
TEXT_FIELDS = ("scrutineer_assessment", "national_response", "priorities_ahead")
TEXT_LIMIT = 10_000  # the house limit of a text box (partnership.input_rules.TEXT_MAX)
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")
READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR, Role.READER)


# --- Who may do what -------------------------------------------------------------------------------------------
def partner_of(user) -> str | None:
    """The safeguarding partner a person leads for: an agency lead of a statutory-partner agency. Needs the
    person's agency loaded (one query at most)."""
    if not (user.is_authenticated and user.agency_id and user.has_role(Role.AGENCY_LEAD)):
        return None
    agency = user.agency
    if not agency.statutory_partner:
        return None
    return next((partner for partner, sectors in PARTNER_SECTORS.items() if agency.sector in sectors), None)


def can_read(user) -> bool:
    return user.is_authenticated and (user.has_role(*READERS) or partner_of(user) is not None)


def can_edit(user) -> bool:
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT)


def can_record_for_any_partner(user) -> bool:
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT, Role.CHAIR)


def partners_user_may_approve(user) -> list[str]:
    if can_record_for_any_partner(user):
        return list(SafeguardingPartner.values)
    own = partner_of(user)
    return [own] if own else []


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ServiceError(message)


# --- Periods ---------------------------------------------------------------------------------------------------
def parse_year(text: str) -> int:
    """ "2025-26" (or "2025-2026", "2025/26") -> 2025. Raises ServiceError(field="year")."""
    match = _YEAR.match(text or "")
    if not match:
        raise ServiceError(f'"{text}" is not a financial year. Write it as 2025-26 (April 2025 to March 2026).',
                           field="year")
    first, second = int(match[1]), match[2]
    if int(second) % 100 != (first + 1) % 100 or (len(second) == 4 and int(second) != first + 1):
        raise ServiceError(f'"{text}" is not a financial year: 2025-26 follows 2025.', field="year")
    return first


def twelve_months_from(start: datetime.date) -> datetime.date:
    """The last day of the 12 months that start on `start`."""
    try:
        following = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        following = start.replace(year=start.year + 1, day=28) + datetime.timedelta(days=1)
    return following - datetime.timedelta(days=1)


def period_for(start: datetime.date, *, now=None) -> ReportPeriod:
    """The report's period: a financial year when it starts on 1 April, else 12 months from `start`."""
    if (start.month, start.day) == (4, 1):
        return ReportPeriod.for_financial_year(start.year, now=now)
    end = twelve_months_from(start)
    return ReportPeriod.between(start, end, now=now, label=f"{start:%B %Y} to {end:%B %Y}")


def require_started(start: datetime.date) -> None:
    if start > timezone.localdate():
        raise ServiceError("That year has not started yet. Choose a year that has begun.", field="year")


# --- The report ------------------------------------------------------------------------------------------------
@transaction.atomic
def report_start(*, start: datetime.date, by) -> YearlyReport:
    """The report for the 12 months from `start`: the one being drafted, or a new one (a new version after
    publication)."""
    _require(can_edit(by), "Only the business unit can start a yearly report.")
    require_started(start)
    period = period_for(start)
    open_report = (YearlyReport.objects.select_for_update().filter(start=period.start)
                   .exclude(status=YearlyReport.Status.PUBLISHED).first())
    return open_report or YearlyReport.objects.create(start=period.start, end=period.end, label=period.label,
                                                      drafted_by=by)


def _clean_text(value: str, *, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_LIMIT:
        label = YearlyReport._meta.get_field(field).verbose_name
        raise ServiceError(f"{label} must be {TEXT_LIMIT:,} characters or fewer.", field=field)
    return value


@transaction.atomic
def report_edit(*, report: YearlyReport, expected_version: int, by, **texts) -> YearlyReport:
    _require(can_edit(by), "Only the business unit can edit the yearly report.")
    if not report.is_editable or report.approvals.exists():
        raise ServiceError("A partner has approved this report, so its text can no longer change. Reopen it to "
                           "edit (the approvals are withdrawn).")
    for name in TEXT_FIELDS:
        setattr(report, name, _clean_text(texts.get(name, ""), field=name))
    save_versioned(report, expected_version=expected_version, fields=list(TEXT_FIELDS), by=by)
    return report


@transaction.atomic
def report_approve(*, report: YearlyReport, partner: str, approver_name: str = "", approver_role: str = "",
                   approved_on: datetime.date | None = None, by) -> YearlyReportApproval:
    """One partner's approval. The partner's own lead approves in their own name, today; the business unit or the
    chair records an approval given elsewhere, naming the approver and the day."""
    _require(partner in SafeguardingPartner.values, "Choose the safeguarding partner.")
    _require(partner in partners_user_may_approve(by),
             "Only that partner's lead, the chair or the business unit can record its approval.")
    locked = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_editable:
        raise ServiceError("This report is being published or has been published.")
    if locked.missing_text:
        raise ServiceError("Write these sections before the partners approve: " + "; ".join(locked.missing_text)
                           + ".")
    if locked.approvals.filter(partner=partner).exists():
        raise ConflictError(f"The {SafeguardingPartner(partner).label.lower()} has already approved this report.")
    today = timezone.localdate()
    on_behalf = can_record_for_any_partner(by) and partner_of(by) != partner
    name = (approver_name or "").strip() if on_behalf else by.full_name
    if not name:
        raise ServiceError("Say who approved the report for the partner.", field="approver_name")
    when = approved_on if on_behalf and approved_on else today
    if when > today:
        raise ServiceError("The date approved cannot be in the future.", field="approved_on")
    if when < locked.start:
        raise ServiceError("The date approved must be after the report's year began.", field="approved_on")
    role = (approver_role or "").strip() if on_behalf else (by.job_title or "")
    return YearlyReportApproval.objects.create(report=locked, partner=partner, approver_name=name[:150],
                                               approver_role=role[:150], approved_on=when, recorded_by=by)


def is_approved(report: YearlyReport, approvals=None) -> bool:
    approvals = report.approvals.all() if approvals is None else approvals
    return {a.partner for a in approvals} == set(SafeguardingPartner.values)


@transaction.atomic
def report_reopen(*, report: YearlyReport, by) -> int:
    """Withdraw every approval so the text can change again. Returns how many were withdrawn."""
    _require(can_edit(by), "Only the business unit can reopen the yearly report.")
    _require(report.is_editable, "This report is being published or has been published.")
    approvals = list(report.approvals.all())
    for approval in approvals:
        approval.delete()  # simple-history keeps the withdrawn approval
    return len(approvals)


@transaction.atomic
def report_begin_publishing(*, report: YearlyReport, by) -> YearlyReport:
    _require(can_edit(by), "Only the business unit can publish the yearly report.")
    locked = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != YearlyReport.Status.DRAFT or locked.version != report.version:
        raise ConflictError("Someone else changed this report while you were looking at it. Check it again below.")
    if not is_approved(locked):
        raise ServiceError("All three safeguarding partners must approve the report before it is published.")
    report.status, report.published_by = YearlyReport.Status.PUBLISHING, by
    save_versioned(report, expected_version=locked.version, fields=["status", "published_by"], by=by)
    return report


@transaction.atomic
def report_publish(*, report: YearlyReport, by) -> YearlyReport:
    """Queue the one rendering of the approved report; the worker stores it (`report_store_published`)."""
    report_begin_publishing(report=report, by=by)
    export_request(kind=PUBLISH_KIND, parameters={"report_id": report.pk}, by=by)
    return report


@transaction.atomic
def report_store_published(*, report: YearlyReport, pdf: bytes, as_at) -> YearlyReport:
    """Keep the published PDF and its hash. Idempotent: a report already published is never changed."""
    locked = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != YearlyReport.Status.PUBLISHING:
        return locked
    locked.pdf, locked.sha256, locked.as_at = pdf, hashlib.sha256(pdf).hexdigest(), as_at
    locked.status = YearlyReport.Status.PUBLISHED
    locked.version += 1
    locked.save(update_fields=["pdf", "sha256", "as_at", "status", "version", "updated_at"])
    for person in User.objects.filter(is_active=True, roles__role__in=[Role.BUSINESS_UNIT, Role.CHAIR]
                                      ).exclude(email="").distinct():
        enqueue_email(to=person.email, subject=f"The yearly report {locked.label} has been published",
                      template="yearly_report_published", key=f"yearly-report-published:{locked.pk}:{person.pk}",
                      context={"person": person, "report": locked,
                               "link": settings.SITE_URL + locked.get_absolute_url()})
    return locked


@transaction.atomic
def report_record_publication(*, report: YearlyReport, published_on, web_address: str, sent_to_panel_on,
                              sent_to_dfe_on, expected_version: int, by) -> YearlyReport:
    """The publication record: when and where it was published, and when it was sent to the national Panel and
    the Department for Education (the statutory-duties register reads these)."""
    _require(can_edit(by), "Only the business unit can keep the publication record.")
    _require(report.is_published, "Publish the report before recording where it was published.")
    today = timezone.localdate()
    web_address = (web_address or "").strip()
    if published_on is None:
        raise ServiceError("Enter the date it was published on the website.", field="published_on")
    if published_on > today:
        raise ServiceError("The date published cannot be in the future.", field="published_on")
    if not web_address.startswith("https://"):
        raise ServiceError("Enter the web address where the report is published, starting https://",
                           field="web_address")
    for field, value in (("sent_to_panel_on", sent_to_panel_on), ("sent_to_dfe_on", sent_to_dfe_on)):
        if value is not None and value > today:
            raise ServiceError("The date sent cannot be in the future.", field=field)
        if value is not None and value < published_on:
            raise ServiceError("The date sent cannot be before the date published.", field=field)
    report.published_on, report.web_address = published_on, web_address
    report.sent_to_panel_on, report.sent_to_dfe_on = sent_to_panel_on, sent_to_dfe_on
    save_versioned(report, expected_version=expected_version,
                   fields=["published_on", "web_address", "sent_to_panel_on", "sent_to_dfe_on"], by=by)
    return report


def report_make_docx(*, report: YearlyReport, by):
    _require(can_read(by), "You cannot make this report.")
    return export_request(kind=DOCX_KIND, parameters={"report_id": report.pk}, by=by)


def published_reports():
    return YearlyReport.objects.filter(status=YearlyReport.Status.PUBLISHED).defer("pdf")


# --- Feedback: you said, we did --------------------------------------------------------------------------------
FEEDBACK_FIELDS = ("source", "heard_on", "how_sought", "heard", "changed", "priority", "action")


def _check_feedback(values: dict) -> None:
    if values["heard_on"] > timezone.localdate():
        raise ServiceError("The date it was heard cannot be in the future.", field="heard_on")


@transaction.atomic
def feedback_add(*, by, **values) -> Feedback:
    _require(can_edit(by), "Only the business unit can record feedback.")
    _check_feedback(values)
    return Feedback.objects.create(recorded_by=by, **{name: values[name] for name in FEEDBACK_FIELDS})


@transaction.atomic
def feedback_edit(*, feedback: Feedback, expected_version: int, by, **values) -> Feedback:
    _require(can_edit(by), "Only the business unit can edit feedback.")
    _check_feedback(values)
    for name in FEEDBACK_FIELDS:
        setattr(feedback, name, values[name])
    save_versioned(feedback, expected_version=expected_version,
                   fields=[f if f not in ("priority", "action") else f + "_id" for f in FEEDBACK_FIELDS], by=by)
    return feedback


def approvers(report: YearlyReport):
    """The people who approve or record approvals: chairs and the leads of statutory-partner agencies."""
    from django.db.models import Q

    return (User.objects.filter(is_active=True).exclude(email="")
            .filter(Q(roles__role=Role.CHAIR) | Q(roles__role=Role.AGENCY_LEAD, agency__statutory_partner=True))
            .distinct().order_by("pk"))


@transaction.atomic
def report_ask_approval(*, report: YearlyReport, by) -> int:
    """Email the chair and the statutory partners' leads at once, with a link (never the text)."""
    _require(can_edit(by), "Only the business unit can ask the partners to approve.")
    _require(report.is_editable, "This report is being published or has been published.")
    if report.missing_text:
        raise ServiceError("Write these sections before the partners approve: " + "; ".join(report.missing_text)
                           + ".")
    told = 0
    for person in approvers(report):
        told += enqueue_email(
            to=person.email, subject=f"The yearly report {report.label} is ready for the partners' approval",
            template="yearly_report_approval", key=f"yearly-report-approval:{report.pk}:{report.version}:{person.pk}",
            context={"person": person, "report": report, "link": settings.SITE_URL + report.get_absolute_url()},
        ) is not None
    return told
