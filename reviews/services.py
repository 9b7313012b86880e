"""Every write and state transition of the reviews app. Keyword-only, atomic, refusals as ServiceError."""
import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership import counters, selectors
from partnership.dates import add_working_days, day_words, working_days_late, working_days_words
from partnership.history import save_versioned
from partnership.models import Agency, User
from partnership.services.actions import action_create
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email

from . import access
from .models import (
    LCSPR,
    AgencySummary,
    LCSPRCheck,
    LCSPRDelay,
    Notification,
    NotifiedChild,
    RapidReview,
    Recommendation,
    Referral,
    ScreeningDecision,
)

RR = RapidReview.Status
STAGE = LCSPR.Stage


def _require(by) -> None:
    if not access.is_reviews_user(by):
        raise ServiceError("Only the reviews group can do this.")


def _not_future(day: datetime.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(f"{label} cannot be in the future.", field=field)


# --- Referral and screening
@transaction.atomic
def referral_create(*, by, case_reference: str, referring_agency: Agency, referred_on: datetime.date,
                    summary: str) -> Referral:
    _require(by)
    _not_future(referred_on, "referred_on", "The referral date")
    taken = ServiceError("A referral with this case reference already exists.", field="case_reference")
    if Referral.objects.filter(case_reference__iexact=case_reference).exists():
        raise taken
    try:
        with transaction.atomic():  # two people typing the same reference at once: the second is refused
            return Referral.objects.create(case_reference=case_reference, referring_agency=referring_agency,
                                           referred_by=by, referred_on=referred_on, summary=summary)
    except IntegrityError:
        raise taken from None


PARTNER_REFERENCE_PREFIX = "REF"


def _highest_number(prefix: str) -> int:
    """The highest number already used after `prefix` (seeds the year's counter)."""
    numbers = [reference.removeprefix(prefix) for reference in
               Referral.objects.filter(case_reference__startswith=prefix).values_list("case_reference", flat=True)]
    return max((int(n) for n in numbers if n.isdigit() and len(n) < 10), default=0)


@transaction.atomic
def referral_submit(*, by, summary: str) -> Referral:
    """A partner refers a case. The reference is assigned here, so a partner never needs, sees or can guess
    another case's reference; the reviews group is told at once (reference only, never the summary)."""
    if not access.can_refer(by):
        raise ServiceError("Only staff of a partner agency can refer a case here.")
    if not summary.strip():
        raise ServiceError("Describe what happened, without names or dates of birth.", field="summary")
    today = timezone.localdate()
    prefix = f"{PARTNER_REFERENCE_PREFIX}-{today.year}-"

    def make(number):
        return Referral.objects.create(case_reference=f"{prefix}{number:03d}", referring_agency=by.agency,
                                       referred_by=by, referred_on=today, summary=summary.strip())

    referral = counters.allocate(f"referral:{prefix}", make, start_after=lambda: _highest_number(prefix))
    for person in User.objects.filter(is_active=True, roles__role__in=access.REVIEWS_ROLES).distinct():
        enqueue_email(to=person.email, subject=f"A case has been referred for consideration: {referral.case_reference}",
                      template="reviews_referral_received",
                      context={"person": person, "referral": referral, "agency": by.agency},
                      key=f"reviews-referral:{referral.pk}:{person.pk}")
    return referral


@transaction.atomic
def screening_record(*, by, referral: Referral, notifiable: bool, rationale: str,
                     decided_on: datetime.date) -> ScreeningDecision:
    _require(by)
    if ScreeningDecision.objects.filter(referral=referral).exists():
        raise ServiceError("The partners have already recorded a screening decision for this referral.")
    if not rationale.strip():
        raise ServiceError("Give the partners' rationale, also when the case is not notifiable.", field="rationale")
    if decided_on < referral.referred_on:
        raise ServiceError("The decision cannot be before the referral.", field="decided_on")
    return ScreeningDecision.objects.create(referral=referral, notifiable=notifiable, rationale=rationale,
                                            decided_by=by, decided_on=decided_on)


# --- Notification
def notification_due_on(became_aware_on: datetime.date) -> datetime.date:
    """The statutory deadline: 5 working days after the local authority became aware."""
    return add_working_days(became_aware_on, Notification.DEADLINE_WORKING_DAYS)


@transaction.atomic
def notification_create(*, by, referral: Referral, pseudonym: str, incident_on: datetime.date,
                        became_aware_on: datetime.date, nature: str, location: str = Notification.Location.IN_AREA,
                        suspected_suicide: bool = False, media_interest: bool = False,
                        parallel_processes: list[str] = (), agencies=(), rules_version: str = "2023") -> Notification:
    _require(by)
    screening = getattr(referral, "screening", None)
    if screening is None or not screening.notifiable:
        raise ServiceError("Only a referral the partners screened as notifiable can be notified.")
    if Notification.objects.filter(referral=referral).exists():
        raise ServiceError("This referral already has a notification: one notification per incident.")
    if became_aware_on < incident_on:
        raise ServiceError("The local authority cannot become aware before the incident.", field="became_aware_on")
    _not_future(became_aware_on, "became_aware_on", "The date the local authority became aware")
    notification = Notification.objects.create(
        referral=referral, case_reference=referral.case_reference, pseudonym=pseudonym, incident_on=incident_on,
        became_aware_on=became_aware_on, due_on=notification_due_on(became_aware_on), nature=nature,
        location=location, suspected_suicide=suspected_suicide, media_interest=media_interest,
        parallel_processes=list(parallel_processes), rules_version=rules_version, created_by=by,
    )
    notification.agencies.set(agencies)
    return notification


@transaction.atomic
def notification_update(*, by, notification: Notification, expected_version: int, pseudonym: str,
                        incident_on: datetime.date, became_aware_on: datetime.date, nature: str, location: str,
                        suspected_suicide: bool, media_interest: bool, parallel_processes: list[str], agencies,
                        rules_version: str) -> Notification:
    """Correct a notification before it is sent; the deadline follows a corrected awareness date."""
    _require(by)
    if not notification.is_draft:
        raise ServiceError("This notification has been sent: its details can no longer change.")
    if became_aware_on < incident_on:
        raise ServiceError("The local authority cannot become aware before the incident.", field="became_aware_on")
    _not_future(became_aware_on, "became_aware_on", "The date the local authority became aware")
    notification.pseudonym, notification.incident_on, notification.became_aware_on = (
        pseudonym, incident_on, became_aware_on)
    notification.due_on = notification_due_on(became_aware_on)
    notification.nature, notification.location = nature, location
    notification.suspected_suicide, notification.media_interest = suspected_suicide, media_interest
    notification.parallel_processes, notification.rules_version = list(parallel_processes), rules_version
    save_versioned(notification, expected_version=expected_version, by=by, fields=[
        "pseudonym", "incident_on", "became_aware_on", "due_on", "nature", "location", "suspected_suicide",
        "media_interest", "parallel_processes", "rules_version"])
    notification.agencies.set(agencies)
    return notification


@transaction.atomic
def notification_add_child(*, by, notification: Notification, **fields) -> NotifiedChild:
    _require(by)
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.children.count() >= NotifiedChild.MAX_PER_NOTIFICATION:
        raise ServiceError("A notification can name at most four children.")
    child = NotifiedChild(notification=locked, **fields)
    for name in ("age_band", "sex", "ethnicity", "disability", "legal_status"):  # the standard categories only
        field = NotifiedChild._meta.get_field(name)
        if getattr(child, name) not in {value for value, _ in field.flatchoices}:
            raise ServiceError(f"Choose the child's {field.verbose_name} from the list.")
    child.save()
    return child


@transaction.atomic
def notification_submit(*, by, notification: Notification, notified_on: datetime.date,
                        partners_told_on: datetime.date | None, panel_reference: str = "", late_reason: str = "",
                        expected_version: int) -> Notification:
    """Record that the notification was sent. After the 5-working-day deadline a reason is required."""
    _require(by)
    if not notification.is_draft:
        raise ServiceError("This notification has already been sent.")
    if notified_on < notification.became_aware_on:
        raise ServiceError("The notification cannot be before the local authority became aware.",
                           field="notified_on")
    _not_future(notified_on, "notified_on", "The notification date")
    if notified_on > notification.due_on and not late_reason.strip():
        days = working_days_late(notification.due_on, notified_on)
        raise ServiceError(
            f"This is {working_days_words(days)} after the deadline of "
            f"{day_words(notification.due_on)}: explain why it is late.", field="late_reason")
    notification.status = Notification.Status.NOTIFIED
    notification.notified_on = notified_on
    notification.partners_told_on = partners_told_on
    notification.panel_reference = panel_reference
    notification.late_reason = late_reason.strip() if notified_on > notification.due_on else ""
    save_versioned(notification, expected_version=expected_version, by=by,
                   fields=["status", "notified_on", "partners_told_on", "panel_reference", "late_reason"])
    return notification


# --- Rapid review
def rapid_review_anchor(notification: Notification) -> tuple[str, datetime.date]:
    anchor = getattr(settings, "REVIEWS_RAPID_REVIEW_ANCHOR", "notified")
    if anchor == RapidReview.ANCHORED_ON_AWARENESS:
        return RapidReview.ANCHORED_ON_AWARENESS, notification.became_aware_on
    return "notified", notification.notified_on


def milestones(review: RapidReview) -> list[dict]:
    """The typical timetable from the anchor date, with the actual dates recorded so far."""
    actual = {"summaries_requested": review.summaries_requested_on, "panel_meeting": review.panel_met_on,
              "sign_off": max(filter(None, [review.la_signed_at, review.police_signed_at, review.health_signed_at]),
                              default=None) if review.all_signed else None, "sent": review.sent_on}
    summaries = list(review.summaries.all())
    if summaries and all(s.submitted_on for s in summaries):
        actual["summaries_due"] = max(s.submitted_on for s in summaries)
    rows = []
    for key, label, day in RapidReview.MILESTONES:
        done = actual.get(key)
        if isinstance(done, datetime.datetime):
            done = timezone.localdate(done)
        rows.append({"key": key, "label": label, "day": day, "due": add_working_days(review.anchor_on, day),
                     "done": done})
    return rows


@transaction.atomic
def rapid_review_create(*, by, notification: Notification, agencies=None) -> RapidReview:
    """Start the rapid review: the 15-working-day clock and a summary request to each agency involved."""
    _require(by)
    if not notification.needs_rapid_review:
        raise ServiceError(
            "The death of a looked-after child or a care leaver is notified to the Secretary of State and "
            "Ofsted and needs no rapid review.")
    if not notification.is_notified:
        raise ServiceError("Record the notification as sent before starting the rapid review.")
    if RapidReview.objects.filter(notification=notification).exists():
        raise ServiceError("This notification already has a rapid review.")
    anchor, anchor_on = rapid_review_anchor(notification)
    today = timezone.localdate()
    review = RapidReview.objects.create(
        notification=notification, anchor=anchor, anchor_on=anchor_on,
        due_on=add_working_days(anchor_on, RapidReview.DEADLINE_WORKING_DAYS),
        summaries_requested_on=today,  # the day the requests are emailed: the timetable shows the real date
    )
    due = add_working_days(anchor_on, 10)
    for agency in (agencies if agencies is not None else notification.agencies.all()):
        summary = AgencySummary.objects.create(rapid_review=review, agency=agency, requested_on=today, due_on=due)
        summary_request_send(summary)
    return review


def summary_request_send(summary: AgencySummary) -> int:
    """Ask the agency's leads for its summary at once: the case reference, the due date and the link (never any
    case detail). Returns how many were emailed. It is in their digest too (reviews.reminders)."""
    leads = selectors.agency_leads([summary.agency_id])
    told = 0
    for lead in leads:
        told += enqueue_email(
            to=lead.email, subject=f"Rapid review {summary.case_reference}: your agency's summary is due by "
                                   f"{day_words(summary.due_on)}",
            template="reviews_summary_requested", key=f"reviews-summary-request:{summary.pk}:{lead.pk}",
            context={"person": lead, "summary": summary, "agency": summary.agency,
                     "case_reference": summary.case_reference, "due": summary.due_on}) is not None
    return told


CONTENT_CLOSED = "The review has been signed off: its content can no longer change."
DECISION_CLOSED = "The decision can only be made (or changed) before the partners sign off."
SEND_CLOSED = "All three partners must sign off before the review is sent to the Panel."
RESPONSE_CLOSED = "Record the Panel's response once the review has been sent."


@transaction.atomic
def rapid_review_update_content(*, by, review: RapidReview, expected_version: int, **content) -> RapidReview:
    _require(by)
    if not review.can_change_content:
        raise ServiceError(CONTENT_CLOSED)
    fields = ["context", "incident", "practice_episodes", "strengths", "learning", "immediate_actions",
              "parallel_processes_note", "panel_met_on"]
    for name in fields:
        if name in content:
            setattr(review, name, content[name])
    save_versioned(review, expected_version=expected_version, fields=fields, by=by)
    if "journey_stages" in content:
        review.journey_stages.set(content["journey_stages"])
    if "inspection_criteria" in content:
        review.inspection_criteria.set(content["inspection_criteria"])
    return review


@transaction.atomic
def summary_submit(*, by, summary: AgencySummary, expected_version: int, submit: bool, **text) -> AgencySummary:
    """Save (and, with submit, send) an agency summary. Only the agency's lead or the reviews group."""
    if not access.can_write_summary(by, summary):
        raise ServiceError("You cannot change this summary.")
    fields = ["involvement", "analysis", "learning", "immediate_actions"]
    for name in fields:
        setattr(summary, name, text.get(name, ""))
    if submit:
        if not summary.involvement.strip():
            raise ServiceError("Describe your agency's involvement before submitting.", field="involvement")
        summary.submitted_on = timezone.localdate()
        summary.submitted_by = by
        fields += ["submitted_on", "submitted_by"]
    save_versioned(summary, expected_version=expected_version, fields=fields, by=by)
    return summary


@transaction.atomic
def rapid_review_decide(*, by, review: RapidReview, expected_version: int, criterion_a: bool, criterion_b: bool,
                        criterion_c: bool, criterion_d: bool, rationale: str, outcome: str,
                        panel_leading_national_review: bool = False, decided_on: datetime.date) -> RapidReview:
    _require(by)
    if not review.can_change_content:
        raise ServiceError(DECISION_CLOSED)
    if not rationale.strip():
        raise ServiceError("Give the rationale for the decision.", field="rationale")
    if outcome not in RapidReview.Outcome.values:
        raise ServiceError("Choose the outcome.", field="outcome")
    if outcome == RapidReview.Outcome.LCSPR and not any([criterion_a, criterion_b, criterion_c, criterion_d]):
        raise ServiceError("An LCSPR needs at least one of the criteria (a) to (d).", field="outcome")
    if decided_on < review.anchor_on:
        raise ServiceError("The decision cannot be before the rapid review started.", field="decided_on")
    review.criterion_a, review.criterion_b, review.criterion_c, review.criterion_d = (
        criterion_a, criterion_b, criterion_c, criterion_d)
    review.decision_rationale = rationale
    review.outcome = outcome
    review.panel_leading_national_review = panel_leading_national_review
    review.decided_on = decided_on
    review.decided_by = by
    review.status = RR.DECIDED
    save_versioned(review, expected_version=expected_version, by=by, fields=[
        "criterion_a", "criterion_b", "criterion_c", "criterion_d", "decision_rationale", "outcome",
        "panel_leading_national_review", "decided_on", "decided_by", "status"])
    return review


@transaction.atomic
def rapid_review_sign_off(*, by, review: RapidReview, partner: str, expected_version: int) -> RapidReview:
    """Record one partner's sign-off (who and when). After the third the review is signed off."""
    _require(by)
    if partner not in dict(RapidReview.PARTNERS):
        raise ServiceError("Choose the partner signing off.", field="partner")
    if not review.awaits_sign_off:
        raise ServiceError("Only a decided review awaiting sign-off can be signed off.")
    if getattr(review, f"{partner}_signed_at"):
        raise ServiceError(f"The {dict(RapidReview.PARTNERS)[partner].lower()} has already signed off.")
    setattr(review, f"{partner}_signed_by", by)
    setattr(review, f"{partner}_signed_at", timezone.now())
    fields = [f"{partner}_signed_by", f"{partner}_signed_at"]
    if review.all_signed:
        review.status = RR.SIGNED_OFF
        fields.append("status")
    save_versioned(review, expected_version=expected_version, fields=fields, by=by)
    return review


@transaction.atomic
def rapid_review_send(*, by, review: RapidReview, sent_on: datetime.date, expected_version: int) -> RapidReview:
    _require(by)
    if not review.can_be_sent:
        raise ServiceError(SEND_CLOSED)
    _not_future(sent_on, "sent_on", "The date sent")
    if sent_on < review.anchor_on:
        raise ServiceError("The review cannot be sent before it started.", field="sent_on")
    review.sent_on = sent_on
    review.status = RR.SENT
    save_versioned(review, expected_version=expected_version, fields=["sent_on", "status"], by=by)
    return review


@transaction.atomic
def rapid_review_panel_response(*, by, review: RapidReview, response: str, received_on: datetime.date,
                                expected_version: int) -> RapidReview:
    """The Panel's reply. Asked to reconsider, the review goes back to a decision to be signed off again."""
    _require(by)
    if not review.awaits_panel_response:
        raise ServiceError(RESPONSE_CLOSED)
    if response not in RapidReview.PanelResponse.values:
        raise ServiceError("Choose the Panel's response.", field="response")
    if received_on < review.sent_on:
        raise ServiceError("The response cannot be before the review was sent.", field="received_on")
    review.panel_response = response
    review.panel_response_on = received_on
    review.status = RR.RESPONDED
    fields = ["panel_response", "panel_response_on", "status"]
    if response == RapidReview.PanelResponse.RECONSIDER:
        review.status = RR.DECIDED
        for key, _ in RapidReview.PARTNERS:
            setattr(review, f"{key}_signed_by", None)
            setattr(review, f"{key}_signed_at", None)
            fields += [f"{key}_signed_by", f"{key}_signed_at"]
        review.sent_on = None
        fields.append("sent_on")
    save_versioned(review, expected_version=expected_version, fields=fields, by=by)
    return review


# --- LCSPR
LCSPR_NEXT = {
    STAGE.DECIDED: [STAGE.TOR_AGREED],
    STAGE.TOR_AGREED: [STAGE.REVIEWER_APPOINTED],
    STAGE.REVIEWER_APPOINTED: [STAGE.INFORMATION],
    STAGE.INFORMATION: [STAGE.DRAFT],
    STAGE.DRAFT: [STAGE.PARTNER_QA],
    STAGE.PARTNER_QA: [STAGE.DRAFT, STAGE.FINAL_APPROVED],
    STAGE.FINAL_APPROVED: [STAGE.PRE_PUBLICATION, STAGE.DEFERRED],
    STAGE.PRE_PUBLICATION: [STAGE.PUBLISHED, STAGE.IMPROVEMENTS_ONLY, STAGE.DEFERRED],
    STAGE.DEFERRED: [STAGE.PRE_PUBLICATION],
    STAGE.PUBLISHED: [STAGE.MONITORING],
    STAGE.IMPROVEMENTS_ONLY: [STAGE.MONITORING],
    STAGE.MONITORING: [STAGE.CLOSED],
    STAGE.CLOSED: [],
}


def prepublication_working_days() -> int:
    return int(getattr(settings, "REVIEWS_PREPUBLICATION_WORKING_DAYS", 7))


def latest_notice_date(publication_on: datetime.date) -> datetime.date:
    """The last day the pre-publication notice may go to the Panel and the Secretary of State."""
    return add_working_days(publication_on, -prepublication_working_days())


@transaction.atomic
def lcspr_commission(*, by, review: RapidReview) -> LCSPR:
    _require(by)
    if not review.decided_to_commission_lcspr:
        raise ServiceError("An LCSPR is commissioned from a signed-off rapid review decision to commission one.")
    if LCSPR.objects.filter(rapid_review=review).exists():
        raise ServiceError("This rapid review has already commissioned an LCSPR.")
    return LCSPR.objects.create(rapid_review=review, decided_on=review.decided_on)


@transaction.atomic
def lcspr_move(*, by, lcspr: LCSPR, stage: str, expected_version: int, on: datetime.date | None = None,
               reviewer_name: str = "", terms_of_reference: str = "", deferred_reason: str = "",
               planned_publication_on: datetime.date | None = None, published_title: str = "") -> LCSPR:
    """Move the review to its next stage, refusing a skipped stage or a missing detail."""
    _require(by)
    if stage not in LCSPR_NEXT.get(lcspr.stage, []):
        raise ServiceError(f"An LCSPR at “{lcspr.get_stage_display()}” cannot move to "
                           f"“{LCSPR.Stage(stage).label}”.", field="stage")
    fields = ["stage"]
    if stage == STAGE.TOR_AGREED:
        if not (terms_of_reference or lcspr.terms_of_reference).strip():
            raise ServiceError("Record the terms of reference.", field="terms_of_reference")
        lcspr.terms_of_reference = terms_of_reference or lcspr.terms_of_reference
        fields.append("terms_of_reference")
    if stage == STAGE.REVIEWER_APPOINTED:
        if not (reviewer_name or lcspr.reviewer_name).strip():
            raise ServiceError("Name the independent reviewer.", field="reviewer_name")
        lcspr.reviewer_name = reviewer_name or lcspr.reviewer_name
        fields.append("reviewer_name")
    if stage == STAGE.DEFERRED:
        if not deferred_reason.strip():
            raise ServiceError("Give the reason publication is deferred.", field="deferred_reason")
        lcspr.deferred_reason = deferred_reason
        fields.append("deferred_reason")
    if stage == STAGE.PRE_PUBLICATION:
        if on is None or planned_publication_on is None:
            raise ServiceError("Give the date of the notice and the planned publication date.", field="on")
        latest = latest_notice_date(planned_publication_on)
        if on > latest:
            raise ServiceError(
                f"The notice must reach the Panel and the Secretary of State at least "
                f"{prepublication_working_days()} working days before publication: by {day_words(latest)}.",
                field="on")
        lcspr.prepublication_notice_on, lcspr.planned_publication_on = on, planned_publication_on
        fields += ["prepublication_notice_on", "planned_publication_on"]
    if stage in (STAGE.PUBLISHED, STAGE.IMPROVEMENTS_ONLY):
        if on is None:
            raise ServiceError("Give the publication date.", field="on")
        if lcspr.prepublication_notice_on and on < add_working_days(lcspr.prepublication_notice_on,
                                                                    prepublication_working_days()):
            raise ServiceError(f"Publication must be at least {prepublication_working_days()} working days after "
                               "the pre-publication notice.", field="on")
        if not published_title.strip():
            raise ServiceError("Give the published pseudonymous title, for example “Child M”.",
                               field="published_title")
        lcspr.published_on, lcspr.published_title = on, published_title
        fields += ["published_on", "published_title"]
    lcspr.stage = stage
    save_versioned(lcspr, expected_version=expected_version, fields=fields, by=by)
    return lcspr


@transaction.atomic
def lcspr_add_check(*, by, lcspr: LCSPR, kind: str, on: datetime.date, note: str) -> LCSPRCheck:
    _require(by)
    if not note.strip():
        raise ServiceError("Say what was checked or asked for.", field="note")
    return LCSPRCheck.objects.create(lcspr=lcspr, kind=kind, on=on, note=note, recorded_by=by)


@transaction.atomic
def lcspr_add_delay(*, by, lcspr: LCSPR, on: datetime.date, reason: str) -> LCSPRDelay:
    _require(by)
    if not reason.strip():
        raise ServiceError("Give the reason for the delay.", field="reason")
    return LCSPRDelay.objects.create(lcspr=lcspr, on=on, reason=reason, recorded_by=by)


# --- Recommendations and their actions in the shared tracker
@transaction.atomic
def recommendation_add(*, by, text: str, made_on: datetime.date, rapid_review: RapidReview | None = None,
                       lcspr: LCSPR | None = None, journey_stages=(), inspection_criteria=()) -> Recommendation:
    _require(by)
    if (rapid_review is None) == (lcspr is None):
        raise ServiceError("A recommendation belongs to one rapid review or one LCSPR.")
    if not text.strip():
        raise ServiceError("Write the recommendation.", field="text")
    rec = Recommendation.objects.create(text=text, made_on=made_on, rapid_review=rapid_review, lcspr=lcspr,
                                        created_by=by)
    rec.journey_stages.set(journey_stages)
    rec.inspection_criteria.set(inspection_criteria)
    return rec


@transaction.atomic
def recommendation_add_action(*, by, recommendation: Recommendation, title: str, description: str,
                              owner_agency: Agency, due_date: datetime.date | None = None, owner=None):
    """An action in the shared tracker, linked back to the recommendation. Default due: the action plan date."""
    _require(by)
    return action_create(by=by, title=title, description=description, owner_agency=owner_agency, owner=owner,
                         due_date=due_date or recommendation.action_plan_due_on, source=recommendation)
