"""Invented serious-incident demo data: a year of referrals (some not notifiable), notifications (one late,
with a reason, one the death of a care leaver), rapid reviews in each state, two LCSPRs (one published as
"Child M", one in drafting delayed by parallel proceedings) and recommendations with tracker actions.

Everything is made through the services, dated back from today, so the clocks are live. Only the reviews
group (reviews@example.org) and the business unit (manager@example.org) can see it. Idempotent.
"""
import datetime

from django.utils import timezone

from partnership import history
from partnership.dates import add_working_days
from partnership.demo_dates import at, by_now
from partnership.models import InspectionCriterion, JourneyStage

from . import services
from .models import LCSPR, Notification, RapidReview, Referral

S = LCSPR.Stage

# (case reference, pseudonym, nature, days ago became aware, what happens next, agencies involved)
CASES = [
    ("MSCP-25-01", "Child M", "death", 340, "lcspr_published", ["Met Police SW BCU", "St George's", "Housing"]),
    ("MSCP-25-02", "Child T", "serious_harm", 250, "lcspr_drafting", ["Met Police SW BCU", "CLCH",
                                                                      "Merton Education"]),
    ("MSCP-25-03", "Child K", "serious_harm", 200, "responded", ["CLCH", "Wandle Valley Primary"]),
    ("MSCP-26-01", "Child B", "serious_harm", 150, "late_sent", ["Epsom and St Helier", "Met Police SW BCU"]),
    ("MSCP-26-02", "Child F", "care_leaver_death", 120, "notified_only", []),
    ("MSCP-26-03", "Child J", "serious_harm", 22, "signed_off", ["SWLStG", "Youth Justice"]),
    ("MSCP-26-04", "Child P", "death", 19, "decided", ["Met Police SW BCU", "St George's"]),
    ("MSCP-26-05", "Child S", "serious_harm", 6, "gathering", ["CLCH", "Met Police SW BCU", "SWL ICB"]),
    ("MSCP-26-06", "Child A", "serious_harm", 2, "draft", ["Epsom and St Helier"]),
]
NOT_NOTIFIABLE = [
    ("MSCP-25-N1", 300, "Injury explained and consistent; no abuse or neglect suspected."),
    ("MSCP-26-N2", 90, "Harm not serious; single-agency learning through the hospital's own review."),
    ("MSCP-26-N3", 30, "Child normally resident in another area; referred to that partnership."),
]
CONTENT = {
    "context": "Family of four living in temporary accommodation; mother's first language is not English; "
               "the child has a diagnosed speech and language delay.",
    "incident": "Admitted to hospital with injuries not consistent with the explanation given.",
    "practice_episodes": "Three missed health appointments were not followed up; a referral to the front "
                         "door was closed without a home visit.",
    "strengths": "Quick information sharing by the school once concerns were raised.",
    "learning": "Was Not Brought policies are applied unevenly; interpreters were not used at key visits.",
    "immediate_actions": "Strategy meeting held; siblings seen and safe; referral practice audited.",
}


def _past(today: datetime.date, day: datetime.date) -> datetime.date:
    return min(day, today)


def _on(day: datetime.date, hour: int = 10):
    """History rows written inside are dated on `day` (never in the future): the services record each step today."""
    return history.dated(by_now(at(day, hour)))


def seed(*, stdout, people: dict, agencies: dict) -> None:
    if Referral.objects.filter(case_reference="MSCP-25-01").exists():
        stdout.write("Reviews demo data already present.")
        return
    manager, reviewer = people["manager@example.org"], people["reviews@example.org"]
    today = timezone.localdate()
    for ref, days, rationale in NOT_NOTIFIABLE:
        referred_on = today - datetime.timedelta(days=days)
        with _on(referred_on):
            referral = services.referral_create(by=reviewer, case_reference=ref, referred_on=referred_on,
                                                referring_agency=agencies["St George's"],
                                                summary="Hospital referral after an injury.")
        with _on(referred_on + datetime.timedelta(days=1)):
            services.screening_record(by=reviewer, referral=referral, notifiable=False, rationale=rationale,
                                      decided_on=referred_on + datetime.timedelta(days=1))
    for ref, pseudonym, nature, days, fate, involved in CASES:
        _case(today, manager, reviewer, agencies, ref, pseudonym, nature, days, fate, involved)
    stdout.write(f"Reviews demo: {Referral.objects.count()} referrals, {Notification.objects.count()} notifications, "
                 f"{RapidReview.objects.count()} rapid reviews, {LCSPR.objects.count()} LCSPRs.")


def _case(today, manager, reviewer, agencies, ref, pseudonym, nature, days, fate, involved):
    aware = today - datetime.timedelta(days=days)
    with _on(aware):
        referral = services.referral_create(by=reviewer, case_reference=ref, referring_agency=agencies[involved[0]]
                                            if involved else agencies["Merton Children's Services"],
                                            referred_on=aware, summary="Referral after a serious incident (invented).")
        services.screening_record(by=reviewer, referral=referral, notifiable=True, decided_on=aware,
                                  rationale="Abuse or neglect suspected and the child seriously harmed or died.")
    with _on(aware, 15):
        notification = services.notification_create(
            by=reviewer, referral=referral, pseudonym=pseudonym, incident_on=aware - datetime.timedelta(days=1),
            became_aware_on=aware, nature=nature, media_interest=ref == "MSCP-25-01",
            parallel_processes=["police", "inquest"] if fate == "lcspr_drafting" else ["police"],
            agencies=[agencies[a] for a in involved])
        services.notification_add_child(by=reviewer, notification=notification,
                                        age_band="1_5" if days % 2 else "11_15", sex="female" if days % 3 else "male",
                                        ethnicity="mixed_white_black_african",
                                        disability="not_disabled" if days % 2 else "not_known",
                                        legal_status="cin" if nature != "care_leaver_death" else "care_leaver")
    if fate == "draft":
        return
    late = fate == "late_sent"
    notified_on = add_working_days(aware, 8 if late else 3)
    with _on(notified_on):
        notification = services.notification_submit(
            by=reviewer, notification=notification, notified_on=_past(today, notified_on),
            partners_told_on=notified_on, panel_reference=f"PANEL-{ref[-5:]}", expected_version=notification.version,
            late_reason="The hospital did not tell children's social care of the injury for three days; the "
                        "deadline was counted from then by mistake." if late else "")
    if fate == "notified_only":
        return
    with _on(notified_on, 14):
        review = services.rapid_review_create(by=reviewer, notification=notification)
    with _on(add_working_days(review.anchor_on, 7)):
        for summary in review.summaries.all():
            if fate != "gathering" or summary.agency.short_name == "CLCH":
                services.summary_submit(by=reviewer, summary=summary, expected_version=summary.version, submit=True,
                                        involvement="Our involvement in the year before the incident (invented).",
                                        analysis="Practice was timely but not joined up.", learning="Check history.")
    review.refresh_from_db()
    panel_met_on = _past(today, add_working_days(review.anchor_on, 11)) if fate != "gathering" else None
    with _on(panel_met_on or today):
        review = services.rapid_review_update_content(by=reviewer, review=review, expected_version=review.version,
                                                      panel_met_on=panel_met_on, **CONTENT)
    if fate == "gathering":
        return
    outcome = RapidReview.Outcome.LCSPR if fate.startswith("lcspr") else RapidReview.Outcome.OTHER_LEARNING
    decided_on = _past(today, add_working_days(review.anchor_on, 12))
    with _on(decided_on):
        review = services.rapid_review_decide(
            by=reviewer, review=review, expected_version=review.version, criterion_a=True,
            criterion_b=fate != "decided", criterion_c=True, criterion_d=False, outcome=outcome, decided_on=decided_on,
            rationale="Several agencies were involved and the learning about joint working is significant.")
    if fate == "decided":
        return
    with _on(decided_on, 16):
        for partner, person in (("la", manager), ("police", reviewer), ("health", reviewer)):
            review = services.rapid_review_sign_off(by=person, review=review, partner=partner,
                                                    expected_version=review.version)
    if fate == "signed_off":
        return
    sent_on = add_working_days(review.anchor_on, 17 if late else 15)
    with _on(sent_on):
        review = services.rapid_review_send(by=reviewer, review=review, sent_on=sent_on,
                                            expected_version=review.version)
    if fate in ("responded", "lcspr_published", "lcspr_drafting"):
        received_on = sent_on + datetime.timedelta(days=12)
        with _on(received_on):
            review = services.rapid_review_panel_response(by=reviewer, review=review, response="agrees",
                                                          received_on=received_on, expected_version=review.version)
    with _on(sent_on, 15):
        rec = services.recommendation_add(
            by=reviewer, rapid_review=review, made_on=sent_on, journey_stages=JourneyStage.objects.all()[:2],
            inspection_criteria=InspectionCriterion.objects.all()[:1],
            text="All agencies apply a single Was Not Brought policy for health appointments.")
        services.recommendation_add_action(by=manager, recommendation=rec, owner_agency=agencies["CLCH"],
                                           title="Adopt the partnership Was Not Brought policy",
                                           description="Policy adopted by the board and audited at three months.")
    if fate.startswith("lcspr"):
        _lcspr(today, manager, reviewer, agencies, review, published=fate == "lcspr_published")


def _lcspr(today, manager, reviewer, agencies, review, *, published: bool):
    decided = review.decided_on

    with _on(decided + datetime.timedelta(days=14)):
        lcspr = services.lcspr_commission(by=reviewer, review=review)

    def move(stage, day, **kw):
        with _on(day):
            return services.lcspr_move(by=reviewer, lcspr=lcspr, stage=stage, expected_version=lcspr.version, **kw)

    move(S.TOR_AGREED, decided + datetime.timedelta(days=21),
         terms_of_reference="The year before the incident; how agencies shared information.")
    move(S.REVIEWER_APPOINTED, decided + datetime.timedelta(days=28), reviewer_name="Jo Independent (invented)")
    move(S.INFORMATION, decided + datetime.timedelta(days=35))
    with _on(lcspr.decided_on + datetime.timedelta(days=45)):
        services.lcspr_add_check(by=reviewer, lcspr=lcspr, kind="progress",
                                 on=lcspr.decided_on + datetime.timedelta(days=45),
                                 note="Agency chronologies received from all but one agency.")
    move(S.DRAFT, lcspr.decided_on + datetime.timedelta(days=80))
    if not published:
        with _on(lcspr.decided_on + datetime.timedelta(days=90)):
            services.lcspr_add_delay(by=reviewer, lcspr=lcspr, on=_past(today, lcspr.decided_on + datetime.timedelta(
                days=90)), reason="Criminal proceedings: the police asked that family members are not interviewed "
                                  "before the trial, listed for next spring.")
        with _on(lcspr.decided_on + datetime.timedelta(days=100)):
            services.lcspr_add_check(by=reviewer, lcspr=lcspr, kind="written_request",
                                     on=_past(today, lcspr.decided_on + datetime.timedelta(days=100)),
                                     note="Asked the reviewer in writing for the current draft (regulation 14).")
        return
    move(S.PARTNER_QA, lcspr.decided_on + datetime.timedelta(days=140))
    with _on(lcspr.decided_on + datetime.timedelta(days=150)):
        services.lcspr_add_check(by=reviewer, lcspr=lcspr, kind="quality",
                                 on=lcspr.decided_on + datetime.timedelta(days=150),
                                 note="Partners' quality assurance of the draft: analysis strong, recommendations "
                                      "SMART.")
    move(S.FINAL_APPROVED, lcspr.decided_on + datetime.timedelta(days=160))
    with _on(lcspr.decided_on + datetime.timedelta(days=170)):
        services.lcspr_add_delay(by=reviewer, lcspr=lcspr, on=lcspr.decided_on + datetime.timedelta(days=170),
                                 reason="Inquest date moved; publication held until it concluded.")
    publication = today - datetime.timedelta(days=45)
    move(S.PRE_PUBLICATION, add_working_days(publication, -8), on=add_working_days(publication, -8),
         planned_publication_on=publication)
    move(S.PUBLISHED, publication, on=publication, published_title="Child M")
    with _on(publication):
        rec = services.recommendation_add(by=reviewer, lcspr=lcspr, made_on=publication,
                                          journey_stages=JourneyStage.objects.all()[2:4],
                                          text="Interpreters are booked for every statutory visit where a parent's "
                                               "first language is not English.")
        services.recommendation_add_action(by=manager, recommendation=rec,
                                           owner_agency=agencies["Merton Children's Services"],
                                           title="Interpreter booking standard for statutory visits",
                                           description="Standard agreed and audited: 90% of eligible visits by "
                                                       "March.")
        services.recommendation_add_action(by=manager, recommendation=rec,
                                           owner_agency=agencies["Met Police SW BCU"],
                                           title="Interpreter use in initial police visits",
                                           description="Briefing to all response officers; dip sample of 20 "
                                                       "visits.")
