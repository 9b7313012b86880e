"""One object of each kind, for every URL pattern that takes an object id.

`OBJECTS` maps each such pattern to the object that fills its id, how its URL arguments come from it, and the
personas who must not reach it (a lead of another agency; a role without access). `DELEGATED` names the
patterns whose objects are hard to make here and that an app's own access matrix already walks with a
persona from another agency; test_objects checks that they really are in that matrix. A new URL with an id
fails test_every_object_url_is_in_the_registry until it is added to one of the two.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

# Personas (tests/conftest.py): `outsider` leads another agency; `contributor` is police but without a lead's
# or the partnership's roles; `chair` and `reader` see the partnership's figures but manage nothing.
OTHER_AGENCY = ("outsider",)


@dataclass(frozen=True)
class Entry:
    object: str                      # a key of BUILDERS
    denied: tuple[str, ...] = OTHER_AGENCY
    kwargs: Callable = field(default=lambda obj: {"pk": obj.pk})


def _build_export(fx):
    from partnership.models import ReportExport

    return ReportExport.objects.create(kind="security-test", requested_by=fx("business_unit"),
                                       status=ReportExport.Status.READY, filename="report.csv")


def _build_sent_reminder(fx):
    from partnership.models import EmailMessage

    fx("db")
    return EmailMessage.objects.create(to="lead@police.example.org", subject="Your week", body_text="Titles only",
                                       key="digest:security-test")


def _build_legal_hold(fx):
    from django.contrib.contenttypes.models import ContentType

    from partnership.models import LegalHold

    lead = fx("agency_lead")
    return LegalHold.objects.create(content_type=ContentType.objects.get_for_model(lead), object_id=lead.pk,
                                    reason="Claim", set_by=fx("business_unit"))


def _build_board_pack(fx, *, published=False):
    import hashlib

    from partnership.models import BoardPack

    fx("db")
    pdf = b"%PDF-1.7 a published pack"
    if published:
        return BoardPack.objects.create(period_code="2026-Q1", status=BoardPack.Status.PUBLISHED, pdf=pdf,
                                        sha256=hashlib.sha256(pdf).hexdigest(), narrative="The quarter.",
                                        asks="Note the figures.")
    return BoardPack.objects.create(period_code="2026-Q2", narrative="A draft.", asks="Note the draft.")


def _build_yearly_report(fx, *, published=False):
    import datetime
    import hashlib

    from partnership.models import YearlyReport

    fx("db")
    if published:
        pdf = b"%PDF-1.7 a published yearly report"
        return YearlyReport.objects.create(start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31),
                                           label="2024-25", status=YearlyReport.Status.PUBLISHED, pdf=pdf,
                                           sha256=hashlib.sha256(pdf).hexdigest())
    return YearlyReport.objects.create(start=datetime.date(2025, 4, 1), end=datetime.date(2026, 3, 31),
                                       label="2025-26", scrutineer_assessment="Working.", national_response="Done.",
                                       priorities_ahead="Neglect")


def _build_feedback(fx):
    import datetime

    from partnership.models import Feedback

    return Feedback.objects.create(source=Feedback.Source.CHILDREN, heard_on=datetime.date(2025, 6, 1),
                                   heard="Young people wanted to know their worker.", recorded_by=fx("business_unit"))


def _build_action(fx):
    from tests.factories import ActionFactory

    return ActionFactory(owner_agency=fx("police"))


def _build_action_file(fx):
    from django.core.files.base import ContentFile

    from partnership.models import ActionFile

    action = _build_action(fx)
    stored = ActionFile(action=action, kind=ActionFile.Kind.COMPLETION, stored_name="a.pdf", original_name="a.pdf",
                        content_type="application/pdf", size=9, sha256="0" * 64)
    stored.file.save("a.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    stored.save()
    return stored


def _build_concern(fx):
    from django.utils import timezone

    from audits.models import ImmediateConcern

    case = fx("audit").cases.first()
    return ImmediateConcern.objects.create(case=case, agency=fx("police"), description="Worry",
                                           raised_by=fx("agency_lead"), raised_at=timezone.now())


def _build_turn_the_curve(fx):
    from performance.models import TurnTheCurve

    return TurnTheCurve.objects.create(indicator=fx("indicator"), baseline="b", forecast="f", story="s",
                                       partners="p", what_works="w")


def _build_booking(fx):
    from tests.learning.conftest import book

    return book(fx("session"), "delegate@school.example.org")


def _build_escalation(fx):
    import datetime

    from django.utils import timezone

    from partnership.models import Escalation

    today = timezone.localdate()
    return Escalation.objects.create(agency=fx("police"), stage=1, reason="Late data returns.", letter_date=today,
                                     response_due=today + datetime.timedelta(days=28), signatory="Bea Manager",
                                     signatory_role="Business manager", raised_by=fx("business_unit"))


def _build_subgroup(fx):
    """The QA subgroup: the QA member chairs it, the police lead is a member (not the contributor)."""
    import datetime

    from django.core.files.base import ContentFile

    from partnership.models import Membership, Subgroup

    fx("db")
    existing = Subgroup.objects.filter(name="Quality assurance subgroup").first()
    if existing:  # the every-page sweep builds the subgroup and the meeting in one world
        return existing
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA,
                                    terms_of_reference="Scrutinise quality.")
    group.terms_file.save("terms.pdf", ContentFile(b"%PDF-1.4 terms"))
    since = datetime.date(2025, 1, 1)
    Membership.objects.create(subgroup=group, person=fx("qa_member"), agency=fx("partnership_unit"),
                              role=Membership.GroupRole.CHAIR, start_date=since)
    Membership.objects.create(subgroup=group, person=fx("agency_lead"), agency=fx("police"), start_date=since)
    return group


def _build_meeting(fx):
    """A meeting of the QA subgroup that started an hour ago, with an item, an uploaded paper and a decision."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from partnership.services import meetings

    bu = fx("business_unit")
    meeting = meetings.meeting_create(subgroup=_build_subgroup(fx), by=bu, place="Civic Centre",
                                      starts_at=timezone.now() - datetime.timedelta(hours=1))
    item = meetings.agenda_add(meeting=meeting, by=bu, title="Scorecard exceptions")
    meetings.paper_upload(meeting=meeting, by=bu, upload=SimpleUploadedFile("paper.pdf", b"%PDF-1.4 paper"))
    meetings.decision_record(meeting=meeting, by=bu, text="Noted.", item=item)
    return meeting


def _meeting_item(meeting):
    return {"pk": meeting.pk, "item_pk": meeting.items.order_by("pk").first().pk}


def _meeting_paper(meeting):
    return {"pk": meeting.pk, "paper_pk": meeting.papers.order_by("pk").first().pk}


def _build_outbox_row(fx):
    from partnership.models import OutboxMessage

    fx("db")
    return OutboxMessage.objects.create(task="merton_qa.send_digests", status=OutboxMessage.Status.FAILED,
                                        attempts=3, last_error="BrokerDown: connection refused")


BUILDERS: dict[str, Callable] = {
    "police": lambda fx: fx("police"),
    "escalation": _build_escalation,
    "action": _build_action,
    "action_file": _build_action_file,
    "police_lead": lambda fx: fx("agency_lead"),
    "export": _build_export,
    "board_pack": _build_board_pack,
    "published_pack": lambda fx: _build_board_pack(fx, published=True),
    "legal_hold": _build_legal_hold,
    "yearly_report": _build_yearly_report,
    "published_yearly_report": lambda fx: _build_yearly_report(fx, published=True),
    "feedback": _build_feedback,
    "outbox_row": _build_outbox_row,
    "sent_reminder": _build_sent_reminder,
    # Section 11: an open cycle with the police return in progress.
    "cycle": lambda fx: fx("cycle"),
    "police_return": lambda fx: fx("police_return"),
    # Performance: the police data return for a quarter, with its indicator.
    "data_return": lambda fx: fx("police_data_return"),
    "indicator": lambda fx: fx("indicator"),
    "turn_the_curve": _build_turn_the_curve,
    # Audits: police and health take part; the outsider's agency does not.
    "programme": lambda fx: fx("programme"),
    "audit": lambda fx: fx("audit"),
    "audit_case": lambda fx: fx("audit").cases.first(),
    "agency_audit": lambda fx: fx("audit").cases.first().agency_audits.get(agency=fx("police")),
    "concern": _build_concern,
    # Reviews: a serious incident case from referral to recommendation.
    "referral": lambda fx: fx("full_case")["referral"],
    "notification": lambda fx: fx("full_case")["notification"],
    "rapid_review": lambda fx: fx("full_case")["rapid_review"],
    "lcspr": lambda fx: fx("full_case")["lcspr"],
    "recommendation": lambda fx: fx("full_case")["recommendation"],
    "summary": lambda fx: fx("full_case")["summary"],
    # Learning: a course with a future session and a booking.
    "course": lambda fx: fx("course"),
    "session": lambda fx: fx("session"),
    "booking": _build_booking,
    # Meetings: the QA subgroup (the police lead a member) and a meeting of it.
    "subgroup": _build_subgroup,
    "meeting": _build_meeting,
}

S11_MANAGE = ("outsider", "contributor")  # the partnership's cycles: business unit and QA only
REVIEWS = ("outsider", "agency_lead", "reader")  # the reviews group only: 404 to everyone else
LEARNING_MANAGE = ("outsider", "contributor")


def _return_kwargs(obj):
    return {"pk": obj.pk}


def _answer_kwargs(ret):
    return {"pk": ret.pk, "answer_pk": ret.answers.order_by("pk").first().pk}


MEETING_READERS_ONLY = ("outsider", "contributor", "reader")  # not members, not the partnership's overseers
MEETING_MANAGE = ("outsider", "contributor", "reader", "agency_lead", "chair", "qa_member")  # the business unit's

OBJECTS: dict[str, Entry] = {
    # Subgroups and meetings: members, chairs and QA read; the business unit changes.
    "subgroup-detail": Entry("subgroup", MEETING_READERS_ONLY),
    "subgroup-terms": Entry("subgroup", MEETING_READERS_ONLY),
    "meeting-create": Entry("subgroup", MEETING_MANAGE),
    "meeting-detail": Entry("meeting", MEETING_READERS_ONLY),
    "minutes-pdf": Entry("meeting", MEETING_READERS_ONLY),
    "paper-download": Entry("meeting", MEETING_READERS_ONLY, _meeting_paper),
    **{name: Entry("meeting", MEETING_MANAGE) for name in (
        "meeting-edit", "meeting-cancel", "meeting-held", "meeting-agenda", "meeting-papers", "meeting-attendance",
        "decision-create")},
    "agenda-move": Entry("meeting", MEETING_MANAGE, _meeting_item),
    "agenda-remove": Entry("meeting", MEETING_MANAGE, _meeting_item),
    "item-minutes": Entry("meeting", MEETING_MANAGE, _meeting_item),
    "paper-remove": Entry("meeting", MEETING_MANAGE, _meeting_paper),
    # The composition root and the kernel.
    "sent-reminder-detail": Entry("sent_reminder", ("outsider", "chair")),
    # Board packs: the business unit, QA and the chair; no agency and no reader.
    "board-pack": Entry("board_pack", ("outsider", "contributor", "reader")),
    "board-pack-download": Entry("published_pack", ("outsider", "contributor", "reader")),
    "board-pack-step": Entry("board_pack", ("outsider", "contributor", "reader"),
                             kwargs=lambda obj: {"pk": obj.pk, "step": "approve"}),
    # Yearly reports: the partnership's readers and the statutory partners' leads; no other agency's people.
    "yearly-report": Entry("yearly_report", ("outsider", "contributor")),
    "yearly-report-approve": Entry("yearly_report", ("outsider", "contributor", "reader", "qa_member")),
    "yearly-report-publication": Entry("published_yearly_report", ("outsider", "contributor", "reader", "chair")),
    "yearly-report-download": Entry("published_yearly_report", ("outsider", "contributor")),
    "yearly-report-step": Entry("yearly_report", ("outsider", "contributor"),
                                kwargs=lambda obj: {"pk": obj.pk, "step": "word"}),
    "partnership:feedback-edit": Entry("feedback", ("outsider", "contributor", "agency_lead", "reader", "chair")),
    # Agencies' profiles and the escalation ladder: the partnership's oversight and the agency's own people.
    "agency-profile": Entry("police", ("outsider", "reader", "reviews_member")),
    "escalation-create": Entry("police", ("outsider", "contributor", "agency_lead", "chair", "reader")),
    "escalation-detail": Entry("escalation", ("outsider", "reader")),
    "escalation-letter": Entry("escalation", ("outsider", "reader")),
    "escalation-response": Entry("escalation", ("outsider", "contributor", "reader")),
    "escalation-escalate": Entry("escalation", ("outsider", "agency_lead", "contributor", "qa_member")),
    "escalation-close": Entry("escalation", ("outsider", "agency_lead", "contributor", "qa_member")),
    "partnership:action-detail": Entry("action"),
    "partnership:action-edit": Entry("action", ("outsider", "reader")),  # its agency's editors may
    "partnership:action-transition": Entry("action", ("outsider", "reader")),
    "partnership:action-add-update": Entry("action"),
    "partnership:action-impact": Entry("action", ("outsider", "reader", "chair")),
    "partnership:action-file": Entry("action_file"),
    "partnership:action-due-date-request": Entry("action", ("outsider", "reader", "chair")),
    "partnership:action-due-date-decide": Entry("action", ("outsider", "reader", "agency_lead", "qa_member")),
    "partnership:user-detail": Entry("police_lead", ("outsider", "chair", "contributor", "reader")),  # self: elsewhere
    "partnership:user-reinvite": Entry("police_lead", ("outsider", "chair", "contributor")),
    "partnership:user-deactivate": Entry("police_lead", ("outsider", "chair", "contributor")),
    "partnership:export-detail": Entry("export", ("outsider", "contributor")),
    "partnership:export-download": Entry("export", ("outsider", "contributor")),
    "partnership:legal-hold-release": Entry("legal_hold", ("outsider", "chair", "contributor", "agency_lead")),
    "partnership:outbox-requeue": Entry("outbox_row", ("outsider", "chair", "contributor", "agency_lead")),
    # Section 11.
    "section11:cycle-detail": Entry("cycle", S11_MANAGE),
    "section11:cycle-launch": Entry("cycle", S11_MANAGE),
    "section11:cycle-close": Entry("cycle", S11_MANAGE),
    "section11:cycle-remind-all": Entry("cycle", S11_MANAGE),
    "section11:return-remind": Entry("police_return", S11_MANAGE,
                                     lambda ret: {"pk": ret.cycle_id, "ret_pk": ret.pk}),
    "section11:return-detail": Entry("police_return"),
    "section11:return-header": Entry("police_return"),
    "section11:standard": Entry("police_return", kwargs=lambda ret: {"pk": ret.pk, "number": 1}),
    "section11:standard-save": Entry("police_return", kwargs=lambda ret: {"pk": ret.pk, "number": 1}),
    "section11:answer-save": Entry("police_return", kwargs=_answer_kwargs),
    "section11:answer-kept": Entry("police_return", kwargs=_answer_kwargs),
    "section11:answer-action-add": Entry("police_return", kwargs=_answer_kwargs),
    "section11:return-start-from-last": Entry("police_return"),
    "section11:return-submit": Entry("police_return"),
    "section11:return-sign-off": Entry("police_return"),
    "section11:return-officer": Entry("police_return"),
    "section11:return-send-back": Entry("police_return"),
    "section11:moderation-summary": Entry("police_return", ("outsider", "contributor")),
    "section11:moderate-standard": Entry("police_return", ("outsider", "contributor"),
                                         lambda ret: {"pk": ret.pk, "number": 1}),
    "section11:moderate-standard-save": Entry("police_return", ("outsider", "contributor"),
                                              lambda ret: {"pk": ret.pk, "number": 1}),
    "section11:moderate-answer": Entry("police_return", ("outsider", "contributor"), _answer_kwargs),
    "section11:challenge-record": Entry("police_return", ("outsider", "contributor")),
    "section11:cycle-analysis": Entry("cycle", S11_MANAGE, lambda c: {"cycle_pk": c.pk}),
    "section11:cycle-analysis-csv": Entry("cycle", S11_MANAGE, lambda c: {"cycle_pk": c.pk}),
    "section11:cycle-analysis-pdf": Entry("cycle", S11_MANAGE, lambda c: {"cycle_pk": c.pk}),
    "section11:return-export-xlsx": Entry("police_return"),
    "section11:return-export-pdf": Entry("police_return"),
    "section11:return-import": Entry("police_return"),
    "section11:return-import-preview": Entry("police_return", kwargs=lambda r: {"pk": r.pk, "token": "dummy"}),
    "section11:return-import-cancel": Entry("police_return", kwargs=lambda r: {"pk": r.pk, "token": "dummy"}),
    # Performance.
    "performance:turn-the-curve-edit": Entry("turn_the_curve", ("outsider", "contributor", "reader"),
                                             lambda t: {"code": t.indicator.code, "pk": t.pk}),
    "performance:data-returns-remind-all": Entry("data_return", ("outsider", "contributor"),
                                                 lambda r: {"period_pk": r.period_id}),
    "performance:data-returns-open": Entry("data_return", ("outsider", "contributor"),
                                           lambda r: {"period_pk": r.period_id}),
    "performance:data-return-detail": Entry("data_return"),
    "performance:data-return-value-save": Entry("data_return",
                                                kwargs=lambda r: {"pk": r.pk,
                                                                  "indicator_pk": r.agency.indicators.first().pk}),
    "performance:data-return-submit": Entry("data_return"),
    "performance:data-return-validate": Entry("data_return", ("outsider", "contributor")),
    "performance:data-return-query": Entry("data_return", ("outsider", "contributor")),
    "performance:data-return-reply": Entry("data_return", ("outsider", "reader", "chair")),
    "performance:data-return-remind": Entry("data_return", ("outsider", "contributor")),
    "performance:data-return-template": Entry("data_return"),
    "performance:data-return-template-csv": Entry("data_return"),
    "performance:data-return-upload": Entry("data_return"),
    "performance:data-return-upload-preview": Entry("data_return", kwargs=lambda r: {"pk": r.pk, "token": "dummy"}),
    "performance:data-return-upload-cancel": Entry("data_return", kwargs=lambda r: {"pk": r.pk, "token": "dummy"}),
    # Audits.
    "audits:programme": Entry("programme", ("outsider", "contributor")),
    "audits:audit-create": Entry("programme", ("outsider", "contributor"), lambda p: {"programme_pk": p.pk}),
    "audits:audit-detail": Entry("audit"),
    "audits:audit-edit": Entry("audit", ("outsider", "contributor")),
    "audits:audit-transition": Entry("audit", ("outsider", "contributor")),
    "audits:audit-remind-all": Entry("audit", ("outsider", "contributor")),
    "audits:audit-remind": Entry("audit", ("outsider", "contributor"),
                                 lambda a: {"pk": a.pk, "agency_pk": a.agencies.order_by("pk").first().pk}),
    "audits:case-add": Entry("audit", ("outsider", "contributor")),
    "audits:case-detail": Entry("audit_case"),
    "audits:case-remove": Entry("audit_case", ("outsider", "contributor")),
    "audits:agency-audit": Entry("agency_audit"),
    "audits:concern-raise": Entry("audit_case"),
    "audits:concern-detail": Entry("concern"),
    "audits:meeting": Entry("audit", ("outsider", "contributor")),
    "audits:consensus": Entry("audit_case", ("outsider", "contributor")),
    "audits:finding-add": Entry("audit", ("outsider", "contributor")),
    "audits:recommendation-add": Entry("audit", ("outsider", "contributor")),
    "audits:summary": Entry("audit"),
    "audits:action-add": Entry("audit", ("outsider", "contributor")),
    "audits:feedback-add": Entry("audit_case", ("outsider",)),
    "audits:report": Entry("audit"),
    "audits:report-pdf": Entry("audit"),
    # Reviews: everything is the reviews group's (agency leads write only their own agency's summary).
    **{f"reviews:{name}": Entry(source, REVIEWS) for name, source in {
        "referral-detail": "referral", "screening-record": "referral", "notification-create": "referral",
        "notification-detail": "notification", "notification-edit": "notification",
        "notification-add-child": "notification", "notification-submit": "notification",
        "rapid-review-create": "notification", "rapid-review-detail": "rapid_review",
        "rapid-review-edit": "rapid_review", "rapid-review-decide": "rapid_review",
        "rapid-review-sign-off": "rapid_review", "rapid-review-send": "rapid_review",
        "rapid-review-response": "rapid_review", "rapid-review-recommendation": "rapid_review",
        "lcspr-commission": "rapid_review", "lcspr-detail": "lcspr", "lcspr-move": "lcspr",
        "lcspr-check": "lcspr", "lcspr-delay": "lcspr", "lcspr-recommendation": "lcspr",
        "recommendation-action": "recommendation",
    }.items()},
    "reviews:summary-write": Entry("summary", ("outsider", "agency_lead", "contributor", "reader")),  # health's
    # Learning: managing the offer is the business unit's and the L&D coordinator's.
    "learning:course-edit": Entry("course", LEARNING_MANAGE),
    "learning:session-edit": Entry("session", LEARNING_MANAGE),
    "learning:trainer-add": Entry("session", LEARNING_MANAGE),
    "learning:session-cancel": Entry("session", LEARNING_MANAGE),
    "learning:attendance": Entry("session", LEARNING_MANAGE),
    "learning:booking-cancel-staff": Entry("booking", LEARNING_MANAGE),
    "learning:course-impact": Entry("course", ("outsider", "contributor")),
}

# Patterns with an id that every signed-in person may read (nothing agency-owned behind them), or that an
# app's own matrix covers with a made object (the module named); checked by test_objects.
OPEN_TO_SIGNED_IN = {
    "priority-detail": "the partnership's priorities are published to every partner",
    "learning:course": "the training offer is open to every partner's staff",
    "learning:session-manage": "a session's page, read-only, for every partner's staff (learning's matrix)",
    "learning:session": "a public page (delegates book without an account)",
    "learning:book": "a public page (delegates book without an account)",
    "learning:booked": "a public page (delegates book without an account)",
    "learning:resend": "a public page (delegates book without an account)",
}
DELEGATED = {
    "section11:evidence-download": "tests.section11.test_access_matrix",
    "section11:evidence-delete": "tests.section11.test_access_matrix",
    "section11:feedback-letter": "tests.section11.test_access_matrix",
    "audits:finding-remove": "tests.audits.test_access_matrix",
    "learning:briefing": "tests.learning.test_access_matrix",
    "learning:briefing-edit": "tests.learning.test_access_matrix",
    "learning:briefing-pdf": "tests.learning.test_access_matrix",
    "learning:briefing-publish": "tests.learning.test_access_matrix",
    "learning:briefing-use": "tests.learning.test_access_matrix",
}
