"""The partnership's retention schedule: every model holding personal data, in one place.

Documented in docs/retention.md and on the privacy notice; the nightly job `partnership.apply_retention`
applies it, skipping records under a legal hold.
"""
from partnership.retention import (
    ANONYMISE,
    DELETE,
    KEEP,
    REMOVED,
    REVIEW,
    RetentionClass,
    exempt,
    free_text,
    register,
    removed_email,
)

SIX_YEARS = 6  # organisational records that may name staff in free text: the partnership's records period


def _clean_booking(booking) -> None:
    """Free text a delegate wrote may name people (children, colleagues): blank it; keep the scores."""
    from learning.models import FollowUp, PostCourseEvaluation

    PostCourseEvaluation.objects.filter(booking=booking).update(comments="")
    FollowUp.objects.filter(booking=booking).update(practice_change="", examples="", impact_on_children="")
    booking.tokens.all().delete()


def _close_user(user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partnership.models import User

    user = User.objects.get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    TOTPDevice.objects.filter(user=user).delete()  # the second factor's secret goes with the account


register(
    RetentionClass(
        key="learning-booking", label="Delegate booking and evaluation: 2 years after the session",
        model="learning.Booking", action=ANONYMISE, clock="session__ends_at", years=2,
        replace={"name": REMOVED, "email": removed_email, "role": REMOVED, "manager_email": "",
                 "other_agency_name": ""},
        done={"name": REMOVED}, also=_clean_booking,
    ),
    RetentionClass(
        key="closed-account", label="Closed account: 6 years after it was closed (never deleted)",
        model="partnership.User", action=ANONYMISE, clock="deactivated_at", years=6,
        scope={"is_active": False},
        replace={"full_name": REMOVED, "email": removed_email, "job_title": "", "optional_reminders": False},
        done={"email__endswith": "@removed.invalid"}, also=_close_user,
    ),
    RetentionClass(
        key="sent-email",
        label="Email sent by the system: 2 years after it was written (kept, emptied, so it never sends twice)",
        model="partnership.EmailMessage", action=ANONYMISE, clock="created_at", years=2,
        scope={"sent_at__isnull": False},
        replace={"to": removed_email, "subject": REMOVED, "body_text": "", "body_html": ""},
        done={"to__endswith": "@removed.invalid"},
    ),
    RetentionClass(
        key="serious-incident-notification",
        label="Serious-incident notification: 25 years after the incident (never deleted; review)",
        model="reviews.Notification", action=REVIEW, clock="incident_on", years=25,
    ),
    RetentionClass(
        key="rapid-review", label="Rapid review: 25 years after it began (never deleted; review)",
        model="reviews.RapidReview", action=REVIEW, clock="anchor_on", years=25,
    ),
    RetentionClass(
        key="lcspr", label="Child safeguarding practice review: 25 years after the decision (never deleted; review)",
        model="reviews.LCSPR", action=REVIEW, clock="decided_on", years=25,
    ),
    RetentionClass(
        key="audit-case", label="Multi-agency audit case: 25 years after it was added (never deleted; review)",
        model="audits.AuditCase", action=REVIEW, clock="created_at", years=25,
    ),
    RetentionClass(
        key="review-access-log", label="Serious-incident access log: kept", model="reviews.ReviewAccessLog",
        action=KEEP,
    ),
    RetentionClass(
        key="legal-hold", label="Legal hold: kept", model="partnership.LegalHold", action=KEEP,
    ),
)


# --- Organisational records whose free text may name staff (the forms ask for no child's name)
def _text_after_six_years(key: str, model: str, clock: str, label: str, *fields: str, **extra) -> RetentionClass:
    return RetentionClass(key=key, label=label, model=model, action=ANONYMISE, clock=clock, years=SIX_YEARS,
                          **free_text(*fields, blank=extra.pop("blank", ())), **extra)


def _deleted(key: str, model: str, clock: str, label: str, **period) -> RetentionClass:
    return RetentionClass(key=key, label=label, model=model, action=DELETE, clock=clock, **period)


register(
    _text_after_six_years(
        "section11-return-contacts", "section11.Return", "cycle__deadline",
        "Section 11 return: named contacts and the message to the agency, 6 years after the cycle's deadline",
        "deputy_name", "dsl_name", "deputy_dsl_name", "governor_name", "return_message", blank=("deputy_email",)),
    _text_after_six_years(
        "section11-answer-text", "section11.Answer", "ret__cycle__deadline",
        "Section 11 answer: narrative, impact and comments removed 6 years after the cycle (ratings kept)",
        "narrative", "impact", "not_applicable_reason", "moderator_comment"),
    _deleted("section11-evidence", "section11.Evidence", "answer__ret__cycle__deadline",
             "Section 11 evidence file: deleted 6 years after the cycle's deadline", years=SIX_YEARS),
    _text_after_six_years(
        "section11-challenge", "section11.ChallengeSession", "held_on",
        "Section 11 challenge session: who attended, questions and outcome, 6 years after it was held",
        "panel_members", "agency_attendees", "questions", "outcome"),
    _text_after_six_years("performance-commentary", "performance.Value", "period__end",
                          "Performance commentary: removed 6 years after the period (the figures are kept)",
                          "commentary"),
    _text_after_six_years("performance-query", "performance.DataReturn", "period__end",
                          "Data return query to an agency: removed 6 years after the period", "query_message"),
    _text_after_six_years("performance-query-thread", "performance.DataReturnMessage", "data_return__period__end",
                          "Data return query thread (queries and replies): removed 6 years after the period", "text"),
    _text_after_six_years(
        "action-text", "partnership.Action", "completed_at",
        "Tracker action: description and evidence removed 6 years after completion (title and dates kept)",
        "description", "not_accepted_reason", "completion_evidence", "impact_evidence",
        scope={"completed_at__isnull": False}),
    _text_after_six_years("action-update", "partnership.ActionUpdate", "created_at",
                          "Progress update on an action: removed 6 years after it was written", "note"),
    _deleted("action-file", "partnership.ActionFile", "uploaded_at",
             "File of evidence on an action: deleted 6 years after it was uploaded", years=SIX_YEARS),
    _text_after_six_years("action-due-date-request", "partnership.DueDateRequest", "requested_at",
                          "Request to move an action's due date: reason and decision note removed 6 years after it "
                          "was asked (the dates kept)", "reason", "decision_note"),
    _text_after_six_years("session-trainer", "learning.SessionTrainer", "session__ends_at",
                          "Trainer's name on a session: removed 6 years after the session", "name"),
    _text_after_six_years("briefing-use", "learning.BriefingUse", "used_on",
                          "Agency's reflections on a briefing: removed 6 years after its use",
                          "reflections", "actions"),
    _text_after_six_years("practitioner-feedback", "audits.PractitionerFeedback", "given_on",
                          "Feedback to a practitioner after an audit: removed 6 years after it was given", "note"),
    _text_after_six_years("meeting-minutes", "partnership.AgendaItem", "meeting__starts_at",
                          "Minutes of an agenda item: removed 6 years after the meeting (the item's title kept)",
                          "minutes", "presenter"),
    _text_after_six_years("meeting-decision", "partnership.Decision", "meeting__starts_at",
                          "A meeting's decision: its words removed 6 years after the meeting", "text"),
    _text_after_six_years("meeting-attendance", "partnership.Attendance", "meeting__starts_at",
                          "Who attended a meeting: a deputy's name removed 6 years after the meeting (links to "
                          "accounts kept for the agency's attendance record)", "deputy_name"),
    _text_after_six_years("escalation-letter", "partnership.Escalation", "letter_date",
                          "Escalation to an agency: the reasons, the facts cited and the people named removed 6 "
                          "years after the letter (stage and dates kept)",
                          "reason", "cited_facts", "response", "signatory", "addressee"),
    _text_after_six_years("you-said-we-did", "partnership.Feedback", "heard_on",
                          "You said, we did: what was heard and what changed, removed 6 years after it was heard",
                          "heard", "changed", "how_sought"),
    RetentionClass(
        key="serious-incident-referral",
        label="Serious-incident referral: 25 years after it was made (never deleted; review)",
        model="reviews.Referral", action=REVIEW, clock="referred_on", years=25,
    ),
)

# --- Operational and security records: short periods, deleted
register(
    _deleted("reminder-log", "partnership.ReminderLog", "date",
             "Record of a reminder sent to a person: deleted after 2 years", years=2),
    _deleted("report-export", "partnership.ReportExport", "requested_at",
             "Exported report (file and request): deleted after 1 year", years=1),
    _deleted("outbox-published", "partnership.OutboxMessage", "created_at",
             "Published outbox message (task arguments): deleted 1 year after it was written", years=1,
             scope={"published_at__isnull": False}),
    _deleted("sign-in-attempts", "axes.AccessAttempt", "attempt_time",
             "Failed sign-in counters (email, address): deleted after 90 days", days=90),
    _deleted("sign-in-log", "axes.AccessLog", "attempt_time",
             "Sign-in log (email, address, browser): deleted after 1 year", years=1),
    _deleted("sign-in-failures", "axes.AccessFailureLog", "attempt_time",
             "Failed sign-in log (email, address, browser): deleted after 1 year", years=1),
    _deleted("expired-session", "sessions.Session", "expire_date",
             "Expired session: deleted the day after it expired", days=1),
    _deleted("admin-log", "admin.LogEntry", "action_time",
             "Django admin change log: deleted after 6 years", years=SIX_YEARS),
    _deleted("meeting-paper", "partnership.Paper", "added_at",
             "A paper uploaded to a meeting: deleted 6 years after it was added", years=SIX_YEARS),
    _deleted("booking-request", "learning.BookingRequest", "expires_at",
             "A booking asked for and not (or not yet) confirmed: deleted a week after its link expires", days=7),
)

# --- No class of their own, and why
exempt(
    "Reference data and configuration: no personal data (people appear only as links to accounts)",
    "auth.Permission", "auth.Group", "contenttypes.ContentType",
    "partnership.Agency", "partnership.Priority", "partnership.ClosureDay", "partnership.JourneyStage",
    "partnership.InspectionFramework", "partnership.InspectionCriterion",
    "section11.RatingScale", "section11.RatingLevel", "section11.Framework", "section11.Standard",
    "section11.Criterion", "section11.Cycle",
    "audits.Programme", "audits.AuditTool", "audits.ToolDomain", "audits.Grade",
    "performance.Indicator", "performance.Comparator", "performance.Period",
    "learning.Level", "learning.Course", "learning.LearningOutcome", "learning.Session", "learning.Briefing",
    "partnership.Duty", "partnership.Subgroup", "partnership.Membership", "partnership.Meeting",
)
exempt(
    "Part of the account: roles are the record of who could see what; the second factor's secret is deleted "
    "when the closed account is anonymised",
    "partnership.UserRole", "otp_totp.TOTPDevice",
)
exempt("Part of a failed sign-in counter: deleted with it", "axes.AccessAttemptExpiration")
exempt("The last reference number handed out, per kind of reference: no personal data", "partnership.Counter")
exempt("An identity provider's settings (issuer, client id, the name of its secret, email domains): configuration, "
       "no personal data", "partnership.IdentityProvider")
exempt("A used form token (only its hash and where the form led): deleted two days after use by the daily retention "
       "task (partnership.form_tokens.forget_old)", "partnership.FormToken")
exempt(
    "The record of what the partnership board was told: counts and deadlines only, never a child; published packs "
    "are kept as the partnership's reports are (its people appear only as links to accounts)",
    "partnership.BoardPack",
)
exempt(
    "The partnership's yearly report and the safeguarding partners' approvals of it: a public statutory report, "
    "counts and themes only, never a child; approvers are named in their public role; kept as the partnership's "
    "reports are",
    "partnership.YearlyReport", "partnership.YearlyReportApproval",
)
exempt(
    "Part of a Section 11 return's sign-off: the senior officer's single-use link (only its hash), kept with the "
    "return as the record of who signed it off and how",
    "section11.SignOffLink",
)
exempt(
    "The tags' history (which record carried which journey stage or criterion, and when): no personal data; kept "
    "so a past period's coverage map can be made again",
    "partnership.TagChange",
)
exempt(
    "Part of a delegate booking: emptied or deleted when the booking is anonymised",
    "learning.BookingToken", "learning.BookingReminder", "learning.ConfidenceRating",
    "learning.PostCourseEvaluation", "learning.FollowUp",
)
exempt(
    "Part of a multi-agency audit: cases are references and age bands only; kept and reviewed with the audit "
    "cases (25 years)",
    "audits.Audit", "audits.AgencyAudit", "audits.AgencyAuditAnswer", "audits.ImmediateConcern", "audits.Meeting",
    "audits.ConsensusGrade", "audits.Finding", "audits.Recommendation",
)
exempt(
    "Part of a serious-incident case record: reviewed with it (25 years), never changed by the job",
    "reviews.ScreeningDecision", "reviews.NotifiedChild", "reviews.AgencySummary", "reviews.LCSPRCheck",
    "reviews.LCSPRDelay", "reviews.Recommendation",
)
exempt(
    "An indicator's current turn-the-curve story: organisational, rewritten each period; its authors are "
    "linked by account only",
    "performance.TurnTheCurve",
)
