"""Every versioned form, tried stale: generated from the URL conf and the models, not from a list of forms.

A view that edits versioned records says so with `@edits_versioned(Model)` (partnership/views/conflicts.py).
- Every model with a `version` field has such a view (or is named in NO_EDIT_PAGE with the reason).
- Every view whose code saves with an expected version is marked (or named in STEPS: one-button or stage steps
  whose refusal is a message on the page they return to, with nothing typed to keep).
- Each marked view is tried stale, as two people would: both open the form; one saves; the other saves what they
  typed from the old version. That answers 409, keeps what was typed, shows what the first person saved, and
  carries the new version, so that posting the form as it came back succeeds. The Section 11 answer is tried
  both ways, as a page (no JavaScript) and as the in-place fragment (htmx).
A marked view with no entry in HOW fails until one is added: how to reach an editable record and which box to
type in.
"""
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from partnership import history
from partnership.models.base import VersionedModel

from .objects import BUILDERS
from .test_mass_assignment import DRAFTS, form_as_rendered
from .urlconf import walk

THEIRS = "Their change, saved first"
MINE = "My typed text, not saved yet"

# Models with a version that no page edits field by field (a reason each).
NO_EDIT_PAGE = {
    "performance.DataReturn": "its figures are edited as Values (each versioned); its version guards submission",
}
# Views that save with an expected version but are one-button or stage steps: nothing typed to keep; a stale
# step is refused with a message on the page it returns to (their own tests cover it).
STEPS = {
    "audits:audit-transition", "reviews:rapid-review-sign-off", "board-pack-step",
    "section11:return-import-preview", "performance:data-return-upload-preview",
    "meeting-held",  # one button; tests/partnership/test_meetings.py
}


def _marked():
    return {name: pattern for name, pattern in walk() if getattr(pattern.callback, "edits_versioned", None)}


def test_every_model_with_a_version_has_an_edit_page_marked():
    versioned = {m._meta.label for m in apps.get_models() if issubclass(m, VersionedModel)}
    edited = {m._meta.label for p in _marked().values() for m in p.callback.edits_versioned}
    assert versioned - edited - set(NO_EDIT_PAGE) == set(), "mark the edit view with @edits_versioned(Model)"


def test_every_view_saving_with_a_version_is_marked():
    unmarked = []
    for name, pattern in walk():
        view = inspect.unwrap(pattern.callback)
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        if ("expected_version" in source or "save_versioned" in source) and name not in _marked() \
                and name not in STEPS:
            unmarked.append(name)
    assert not unmarked, f"views saving with a version but not marked @edits_versioned: {unmarked}"


@dataclass(frozen=True)
class How:
    object: str                                   # a key of BUILDERS (tests/security/objects.py) or of EXTRA
    persona: str
    box: Callable = field(default=lambda obj: "")  # the name of the text box typed in
    page: Callable | None = None                  # the page holding the form (default: the URL itself)
    kwargs: Callable = field(default=lambda obj: {"pk": obj.pk})
    prepare: Callable | None = None               # bring the record to a state where it can be edited
    chosen: Callable = field(default=lambda obj: {})  # fields to choose as well (a grade, say)


def _first_answer(ret):
    return ret.answers.order_by("pk").first()


def _meeting(case):
    from audits.models import Audit

    history.update(Audit.objects.filter(pk=case.audit_id), status=Audit.Status.MEETING)


def _domain(obj):
    case = obj if hasattr(obj, "audit") else obj.case
    return case.audit.tool.domains.order_by("pk").first().pk


def _briefing(fx):
    from learning.models import Briefing

    fx("db")
    return Briefing.objects.create(title="Neglect in adolescence", background="What happened.",
                                   why_it_matters="Why.", key_points="One", what_to_do="Two",
                                   reflection_questions="Three?", source_kind=Briefing.SourceKind.choices[0][0])


EXTRA = {**DRAFTS, "briefing": _briefing}

HOW = {
    "board-pack": How("board_pack", "business_unit", lambda o: "narrative"),
    "partnership:action-edit": How("action", "agency_lead", lambda o: "description"),
    "partnership:action-impact": How("action", "agency_lead", lambda o: "evidence", prepare=lambda o: history.update(
        type(o).objects.filter(pk=o.pk), status="completed", completion_evidence="Done.")),
    "section11:return-header": How("police_return", "agency_lead", lambda o: "deputy_name"),
    "section11:answer-save": How("police_return", "contributor", lambda r: f"a{_first_answer(r).pk}-narrative",
                                 page=lambda r: reverse("section11:standard", args=[r.pk, 1]),
                                 kwargs=lambda r: {"pk": r.pk, "answer_pk": _first_answer(r).pk}),
    "audits:audit-edit": How("audit", "business_unit", lambda o: "theme"),
    "audits:summary": How("audit", "business_unit", lambda o: "summary",
                          prepare=lambda a: _meeting(a.cases.first())),
    "audits:agency-audit": How("agency_audit", "agency_lead", lambda aa: f"good_practice-{_domain(aa)}"),
    "audits:consensus": How("audit_case", "business_unit", lambda c: f"notes-{_domain(c)}", prepare=_meeting,
                            chosen=lambda c: {f"grade-{_domain(c)}": str(c.audit.tool.grades.order_by("pk")[0].pk)}),
    "reviews:notification-edit": How("draft_notification", "reviews_member", lambda o: "pseudonym"),
    "reviews:rapid-review-edit": How("draft_rapid_review", "reviews_member", lambda o: "learning"),
    "reviews:summary-write": How("summary", "reviews_member", lambda o: "analysis"),
    "learning:course-edit": How("course", "ld_coordinator", lambda o: "summary"),
    "learning:session-edit": How("session", "ld_coordinator", lambda o: "venue"),
    "learning:briefing-edit": How("briefing", "ld_coordinator", lambda o: "background"),
    "section11:standard-save": How("police_return", "contributor", lambda r: f"a{_first_answer(r).pk}-narrative",
                                   page=lambda r: reverse("section11:standard", args=[r.pk, 1]),
                                   kwargs=lambda r: {"pk": r.pk, "number": 1}),
    "yearly-report": How("yearly_report", "business_unit", lambda o: "scrutineer_assessment"),
    "partnership:feedback-edit": How("feedback", "business_unit", lambda o: "heard"),
    "meeting-edit": How("meeting", "business_unit", lambda o: "place"),
}
# Marked views tried elsewhere, with the reason (their forms need a state these objects do not have).
TRIED_ELSEWHERE = {
    "partnership:action-transition": "a status change; tests/partnership/test_views_actions.py",
    "section11:moderate-answer": "needs a submitted return; tests/section11/test_moderation.py",
    "performance:data-return-value-save": "figures per indicator; tests/performance/test_returns_views.py",
    "reviews:rapid-review-decide": "needs the content first; tests/reviews",
    "reviews:rapid-review-send": "a stage step with a date; tests/reviews",
    "reviews:rapid-review-response": "a stage step with a date; tests/reviews",
    "reviews:lcspr-move": "a stage move; tests/reviews",
    "reviews:notification-submit": "records the sending, with dates; tests/reviews",
    "section11:moderate-standard-save": "needs a submitted return; tests/section11/test_moderation.py",
    "yearly-report-publication": "dates and a web address, no free text; tests/reports/test_yearly_report.py",
    "escalation-response": "a stage step (the escalation is then answered); tests/partnership/test_escalations.py",
    "escalation-escalate": "a stage step with a date; tests/partnership/test_escalations.py",
    "escalation-close": "a stage step (closes it); tests/partnership/test_escalations.py",
    "meeting-cancel": "a stage step (cancels it); tests/partnership/test_meetings.py",
}
WITH_ID = sorted(name for name, p in _marked().items() if "<int:" in str(p.pattern))


def test_every_marked_edit_page_is_tried_stale():
    assert set(WITH_ID) - set(HOW) - set(TRIED_ELSEWHERE) == set(), "add a HOW entry for the new edit page"


def _versions(data: dict) -> dict:
    return {k: v for k, v in data.items() if k == "version" or k.endswith("-version") or k.startswith("version-")}


def _open(request, name):
    how = HOW[name]
    obj = {**BUILDERS, **EXTRA}[how.object](request.getfixturevalue)
    if how.prepare:
        how.prepare(obj)
    user = request.getfixturevalue(how.persona)
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    url = reverse(name, kwargs=how.kwargs(obj))
    page_url = how.page(obj) if how.page else url
    return how, obj, first, second, url, page_url


@pytest.mark.parametrize("name", sorted(HOW))
def test_a_stale_save_answers_409_keeps_the_text_shows_theirs_and_the_next_save_works(request, db, name):
    how, obj, first, second, url, page_url = _open(request, name)
    box = how.box(obj)
    page = first.get(page_url)
    assert page.status_code == 200, f"{name}: {page_url} answered {page.status_code}"
    opened = {**form_as_rendered(page.content.decode(), box), **how.chosen(obj)}
    assert box in opened and _versions(opened), f"{name}: no {box!r} box or no version in the form"
    # Two people, two copies of the page: each copy has its own single-use form token (partnership.form_tokens).
    theirs = {**form_as_rendered(second.get(page_url).content.decode(), box), **how.chosen(obj)}
    saved_first = second.post(url, {**theirs, box: THEIRS})
    assert saved_first.status_code == 302, f"{name}: the first save was refused ({saved_first.status_code}): " + \
        " ".join(saved_first.content.decode().split('govuk-error-summary__list')[1:])[:1500]
    stale = first.post(url, {**opened, box: MINE})
    body = stale.content.decode()
    assert stale.status_code == 409, f"{name}: a stale save answered {stale.status_code}"
    assert MINE in body, f"{name}: what was typed is not kept"
    assert THEIRS in body and "app-conflict" in body, f"{name}: what the other person saved is not shown"
    again = form_as_rendered(body, box)
    assert again[box] == [MINE]
    assert _versions(again) != _versions(opened), f"{name}: the form still carries the old version"
    resaved = first.post(url, again)
    assert resaved.status_code == 302, f"{name}: saving again after reading their change answered {resaved.status_code}"
    assert MINE in first.get(page_url).content.decode()


def test_the_in_place_section11_answer_save_keeps_the_text_and_carries_the_version(request, db):
    name = "section11:answer-save"
    how, ret, first, second, url, page_url = _open(request, name)
    answer = _first_answer(ret)
    box = how.box(ret)
    opened = form_as_rendered(first.get(page_url).content.decode(), box)
    theirs = form_as_rendered(second.get(page_url).content.decode(), box)  # their own copy, its own form token
    assert second.post(url, {**theirs, box: THEIRS}, HTTP_HX_REQUEST="true").status_code == 200
    stale = first.post(url, {**opened, box: MINE}, HTTP_HX_REQUEST="true")
    fragment = stale.content.decode()
    assert stale.status_code == 409
    assert "<main" not in fragment and f'id="c-{answer.pk}"' in fragment  # the criterion again, swapped in place
    assert MINE in fragment and THEIRS in fragment and "Someone else changed this record" in fragment
    # The criterion's controls, swapped into the standard page's one form: read them as that form would send them.
    again = {**opened, **form_as_rendered(f"<form method=\"post\">{fragment}</form>", box)}
    again.pop("form_token", None)  # that copy of the page was sent once: htmx sends the form as it now stands
    assert _versions(again) != _versions(opened)
    resaved = first.post(url, again, HTTP_HX_REQUEST="true")
    assert resaved.status_code == 200 and "has been saved" in resaved.content.decode()
    answer.refresh_from_db()
    assert answer.narrative == MINE
