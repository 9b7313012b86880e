"""The data and the page registry for the every-page accessibility sweep (test_every_page.py).

The sweep is generated from the URL conf (tests/security/urlconf.py `walk`). Every named URL is either a
page in `PAGES` (who opens it, and with which object for its id) or is shown, when the test runs, to be a
download (its answer is not HTML) or POST-only (405 to a GET): `test_every_url_is_swept_or_excluded_by_rule`
fails for a new URL until it is one of those. Objects for ids come from the security registry
(tests/security/objects.py `OBJECTS`/`BUILDERS`), plus the few kinds it delegates to an app's matrix.

The data is built once per module, outside pytest's per-test database fixtures (the browser's live server
sees only committed rows, and `transactional_db` would flush them after every page): `World` calls the
project's own fixture functions (tests/conftest.py and the apps' conftests) by name, once each, so the
sweep's objects are the ones every other test uses.
"""
import datetime
import importlib
import inspect
from dataclasses import dataclass

from django.urls import reverse

from partnership import history
from tests.security.objects import BUILDERS, OBJECTS
from tests.security.urlconf import converter_types, walk

# Where the fixture functions live, in the order pytest would find a name (the security tests' choice of
# `health` is the reviews one, so it is here too).
FIXTURE_MODULES = ("tests.conftest", "tests.reviews.conftest", "tests.audits.conftest", "tests.learning.conftest",
                   "tests.performance.conftest", "tests.section11.conftest")
PERSONAS = ("business_unit", "qa_member", "chair", "reader", "agency_lead", "contributor", "outsider",
            "reviews_member", "ld_coordinator", "health_lead", "two_factor_user")
NO_VALUE = {"db", "transactional_db", "django_db_setup"}


class World:
    """`world(name)`: the value of the project's fixture `name`, made once (like request.getfixturevalue)."""

    def __init__(self):
        self.values: dict = {}
        self.functions: dict = {}
        for module_name in reversed(FIXTURE_MODULES):  # the first module wins
            module = importlib.import_module(module_name)
            for attr, value in vars(module).items():
                if hasattr(value, "_get_wrapped_function"):
                    self.functions[attr] = value._get_wrapped_function()
        self.functions["two_factor_user"] = _two_factor_user

    def __call__(self, name: str):
        if name in NO_VALUE:
            return None
        if name not in self.values:
            function = self.functions[name]  # KeyError: a fixture this sweep cannot make; add its module above
            args = {arg: self(arg) for arg in inspect.signature(function).parameters}
            self.values[name] = function(**args)
        return self.values[name]


def _two_factor_user(police):
    """A police lead with an authenticator app: signing in with a password stops at the code page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partnership.models import Role
    from tests.factories import UserFactory

    user = UserFactory(email="second.factor@police.example.org", full_name="Tam Twofactor", agency=police,
                       roles=[Role.AGENCY_LEAD])
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


# --- Objects the security registry delegates to an app's own matrix ---------------------------------------
def _priority(world):
    from tests.factories import PriorityFactory

    return PriorityFactory(title="Neglect: earlier help", description="Children living with neglect get help sooner.")


def _briefing(world, status="draft"):
    from django.utils import timezone

    from learning.models import Briefing

    extra = {"status": "published", "published_on": timezone.localdate()} if status == "published" else {}
    return Briefing.objects.create(
        title=f"Seven-minute briefing: neglect ({status})", background="A review of three families.",
        why_it_matters="Neglect is the most common reason for a plan.", key_points="Look, listen, record.",
        what_to_do="Use the neglect toolkit.", reflection_questions="What would you do?", source_kind="theme",
        **extra)


def _evidence(world):
    from django.core.files.base import ContentFile

    from section11.models import Evidence

    answer = world("police_return").answers.order_by("pk").first()
    evidence = Evidence(answer=answer, stored_name="a11y-sweep.pdf", original_name="custody-audit.pdf",
                        content_type="application/pdf", size=8, sha256="0" * 64, uploaded_by=world("contributor"))
    evidence.file.save("a11y-sweep.pdf", ContentFile(b"%PDF-1.4"), save=False)
    evidence.save()
    return evidence


def _challenge_session(world):
    from django.utils import timezone

    from section11.models import ChallengeSession

    return ChallengeSession.objects.create(
        ret=world("police_return"), held_on=timezone.localdate(), panel_members="Chair of the QA subgroup",
        agency_attendees="Sam Senior", questions="How do you know?", outcome="Good progress.",
        created_by=world("qa_member"))


def _finding(world):
    from audits.models import Finding

    return Finding.objects.create(audit=world("audit"), kind=Finding.Kind.STRENGTH if hasattr(Finding, "Kind")
                                  else "strength", text="Good use of chronologies.")


def _booking_token(purpose):
    def make(world):
        from tests.learning.conftest import raw_token

        booking = build(world, "booking")
        return raw_token(booking, purpose)

    return make


def _user_token(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests.factories import UserFactory

    # Someone who never signs in during the sweep: signing in changes last_login, which voids the token.
    user = UserFactory(email="forgetful@police.example.org", full_name="Fen Forgetful", agency=world("police"))
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _invitation_token(world):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from partnership.services import accounts
    from tests.factories import UserFactory

    invited = UserFactory(email="new.starter@police.example.org", full_name="Nia Newstarter",
                          agency=world("police"))
    invited.set_unusable_password()
    invited.save()
    return {"uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
            "token": accounts.invitation_token_generator.make_token(invited)}


def _completed_action(world):
    from partnership import history
    from partnership.models import Action
    from tests.factories import ActionFactory

    action = ActionFactory(owner_agency=world("police"))
    history.update(Action.objects.filter(pk=action.pk), status=Action.Status.COMPLETED,
                   completion_evidence="Audit of 20 cases in March showed the new checklist used in 18.")
    action.refresh_from_db()
    return action


def _due_date_request(world):
    from partnership.models import DueDateRequest
    from tests.factories import ActionFactory

    action = ActionFactory(owner_agency=world("police"))
    return DueDateRequest.objects.create(action=action, from_date=action.due_date, to_date=today_plus(60),
                                         reason="The training team is short of two trainers until March.",
                                         requested_by=world("agency_lead"))


EXTRA_BUILDERS = {
    "sweep:completed-action": _completed_action,
    "sweep:due-date-request": _due_date_request,
    "sweep:priority": _priority,
    "sweep:briefing": _briefing,
    "sweep:briefing-published": lambda world: _briefing(world, "published"),
    "sweep:evidence": _evidence,
    "sweep:challenge-session": _challenge_session,
    "sweep:finding": _finding,
}


def build(world: World, key: str):
    """The object `key` names (a BUILDERS key or one of EXTRA_BUILDERS), made once per world."""
    cache_key = f"object:{key}"
    if cache_key not in world.values:
        maker = EXTRA_BUILDERS.get(key) or BUILDERS[key]
        world.values[cache_key] = maker(world)
    return world.values[cache_key]


# --- The page registry --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    persona: str | None = "business_unit"   # None: signed out (a public page)
    object: str | None = None                # for a URL with an id: a BUILDERS/EXTRA_BUILDERS key
    kwargs: object = None                    # obj -> URL kwargs; default: the security registry's, or {"pk": ..}
    alone: bool = False                      # its own browser context (a link that keeps state in the session)


def url_of(name: str, page: Page, world: World) -> str:
    pattern = dict(walk())[name]
    if not converter_types(pattern):
        return reverse(name)
    if callable(page.kwargs) and page.object is None:
        return reverse(name, kwargs=page.kwargs(world))
    obj = build(world, page.object)
    if page.kwargs is not None:
        return reverse(name, kwargs=page.kwargs(obj))
    if name in OBJECTS and OBJECTS[name].object == page.object:
        return reverse(name, kwargs=OBJECTS[name].kwargs(obj))
    return reverse(name, kwargs={"pk": obj.pk})


def today_plus(days: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


def _submitted_return(world):
    """The outsider agency's return, answered and submitted by a colleague, naming its lead as the senior officer
    (who never signs off what they completed or submitted)."""
    from django.utils import timezone

    from section11.models import Return
    from tests.factories import UserFactory
    from tests.section11.conftest import answer_all

    ret = world("outsider_return")
    answer_all(ret, "amber")
    history.update(ret.answers.all(), narrative="Volunteers are vetted before they start and every three years.")
    colleague = UserFactory(email="deputy@outsider.example.org", full_name="Dev Deputy", agency=ret.agency)
    history.update(Return.objects.filter(pk=ret.pk),
                   status=Return.Status.SUBMITTED, senior_officer=world("outsider"), completed_by=colleague,
                   submitted_by=colleague, started_at=timezone.now(), submitted_at=timezone.now())
    return Return.objects.get(pk=ret.pk)


def _sign_off_token(world):
    from section11.services.returns import request_sign_off

    return {"token": request_sign_off(build(world, "sweep:submitted-return"))[1]}


def _export_with_file(world):
    from django.core.files.base import ContentFile

    export = build(world, "export")
    export.file.save("a11y-sweep.csv", ContentFile(b"Agency,Overdue\r\nPolice,1\r\n"))
    return export


def _attended_booking(world):
    """A booking for a session that has happened, attended and evaluated: its certificate is released."""
    from learning.models import Booking, PostCourseEvaluation
    from tests.learning.conftest import make_session

    session = make_session(world("course"), today_plus(-14))
    booking = Booking.objects.create(session=session, name="Bea Oakhurst", email="bea@school.example.org",
                                     role="Teacher", other_agency_name="School", status="confirmed",
                                     attendance="attended")
    PostCourseEvaluation.objects.create(booking=booking, quality=4, relevance=4)
    return booking


def _rapid_review(stage):
    """A rapid review of its own case at `stage`: each stage's form opens only then (the registry's is sent)."""
    def make(world):
        from tests.reviews.conftest import decide, open_rapid_review, sign_all

        by = world("reviews_member")
        review = open_rapid_review(by=by, referring_agency=world("police"), agency=world("health"),
                                   case_reference=f"MSCP-SWEEP-{stage.upper()}")
        return sign_all(decide(review, by), by) if stage == "signed-off" else review

    return make


EXTRA_BUILDERS.update({"sweep:submitted-return": _submitted_return, "sweep:export": _export_with_file,
                       "sweep:attended-booking": _attended_booking,
                       "sweep:rapid-review-gathering": _rapid_review("gathering"),
                       "sweep:rapid-review-signed-off": _rapid_review("signed-off")})


def _token(purpose, booking="booking"):
    def kwargs(world):
        from learning.services.bookings import issue_token

        return {"token": issue_token(build(world, booking), purpose)}

    return kwargs


LEAD = "agency_lead"  # the police lead: their agency's return and data return are in progress
SIGNED_OUT = None
PAGES: dict[str, Page] = {
    # Public pages: signed out.
    **{name: Page(SIGNED_OUT) for name in (
        "partnership:sign-in", "partnership:password-reset", "partnership:password-reset-complete",
        "partnership:accessibility", "partnership:privacy", "partnership:cookies", "learning:sessions")},
    # Both keep their token in the session under the same key: each gets a context of its own.
    "partnership:password-reset-confirm": Page(SIGNED_OUT, kwargs=_user_token, alone=True),
    "partnership:invitation-accept": Page(SIGNED_OUT, kwargs=_invitation_token, alone=True),
    "learning:session": Page(SIGNED_OUT, "session"),
    "learning:book": Page(SIGNED_OUT, "session"),
    **{f"learning:{name}": Page(SIGNED_OUT, kwargs=_token(purpose)) for name, purpose in {
        "booking": "manage", "booking-cancel": "manage", "approve": "approve",
        "evaluate-pre": "pre", "evaluate-post": "post", "evaluate-follow-up": "follow_up"}.items()},
    "learning:certificate": Page(SIGNED_OUT, kwargs=_token("manage", "sweep:attended-booking")),
    "partnership:export-download": Page(object="sweep:export"),
    # Objects the security registry delegates to an app's matrix.
    "priority-detail": Page(object="sweep:priority"),
    "partnership:action-impact": Page(LEAD, "sweep:completed-action"),
    "partnership:action-due-date-request": Page(LEAD, "action"),
    "partnership:action-due-date-decide": Page(object="sweep:due-date-request", kwargs=lambda r: {"pk": r.action_id}),
    "learning:course": Page(object="course"),
    "learning:session-manage": Page(object="session"),
    "learning:briefing": Page(object="sweep:briefing"),
    "learning:briefing-edit": Page(object="sweep:briefing"),
    "learning:briefing-pdf": Page(object="sweep:briefing"),
    "learning:briefing-publish": Page(object="sweep:briefing"),
    "learning:briefing-use": Page(object="sweep:briefing-published"),
    "section11:evidence-download": Page(object="sweep:evidence"),
    "section11:evidence-delete": Page(object="sweep:evidence"),
    "section11:feedback-letter": Page(object="sweep:challenge-session"),
    "audits:finding-remove": Page(object="sweep:finding"),
    "learning:resend": Page(SIGNED_OUT, "session"),
    # The police lead's own work in progress.
    **{name: Page(LEAD, "police_return") for name in (
        "section11:return-header", "section11:return-submit", "section11:return-import",
        "section11:return-officer")},
    "section11:answer-action-add": Page(LEAD, "police_return", kwargs=lambda r: {
        "pk": r.pk, "answer_pk": r.answers.order_by("pk").first().pk}),
    "performance:my-data-returns": Page(LEAD),
    "partnership:two-factor-verify": Page("two_factor_user"),
    "performance:data-return-submit": Page(LEAD, "data_return"),
    "performance:data-return-upload": Page(LEAD, "data_return"),
    "reviews:refer": Page(LEAD),
    "reviews:refer-sent": Page(LEAD),
    "reviews:my-summaries": Page("health_lead"),
    # A return that has been submitted: signed off by its senior officer, moderated and challenged.
    "section11:return-sign-off": Page("outsider", "sweep:submitted-return"),
    "section11:sign-off-link": Page(SIGNED_OUT, kwargs=_sign_off_token),
    "section11:return-send-back": Page(object="sweep:submitted-return"),
    "section11:challenge-record": Page(object="sweep:submitted-return"),
    "section11:moderate-standard": Page(object="sweep:submitted-return",
                                        kwargs=lambda r: {"pk": r.pk, "number": 1}),
    # A rapid review's stage forms, each at its stage (the response form's is the registry's sent review).
    "reviews:rapid-review-edit": Page(object="sweep:rapid-review-gathering"),
    "reviews:rapid-review-decide": Page(object="sweep:rapid-review-gathering"),
    "reviews:rapid-review-send": Page(object="sweep:rapid-review-signed-off"),
    # Indicators are addressed by their code.
    "performance:indicator-detail": Page(object="indicator", kwargs=lambda i: {"code": i.code}),
    "performance:turn-the-curve-create": Page(object="indicator", kwargs=lambda i: {"code": i.code}),
    "performance:indicator-action-add": Page(object="indicator", kwargs=lambda i: {"code": i.code}),
}

# Pages reached only part-way through a flow (a staged upload's token, a booking just made, a password-only
# session): the journey test named opens them in the browser and runs axe there.
FLOW_ONLY = {
    "section11:return-import-preview": "test_section11 (import preview), after a staged upload",
    "performance:data-return-upload-preview": "test_performance (upload preview), after a staged upload",
    "learning:booked": "test_learning (book, attend, evaluate), straight after booking",
    "learning:confirm": "test_learning (book, attend, evaluate), the link emailed to confirm a booking",
    "partnership:work-account-callback": "test_work_accounts (signing in and out through the provider's login "
                                         "page), where the provider sends the browser back",
}


def page_for(name: str) -> Page:
    """The registry entry, or the default: the business unit, with the security registry's object for an id."""
    if name in PAGES:
        return PAGES[name]
    if name in OBJECTS:
        return Page(object=OBJECTS[name].object)
    return Page()


def needs_listing(name: str) -> bool:
    """A URL with an id that neither registry gives an object for."""
    pattern = dict(walk())[name]
    return bool(converter_types(pattern)) and name not in OBJECTS and name not in PAGES
