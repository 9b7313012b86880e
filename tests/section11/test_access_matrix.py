"""Who may reach every Section 11 URL, generated from the URL conf so that a new URL is covered at once.

Every `section11:` pattern is filled with the ids of the *police* agency's cycle, return, answer,
evidence and challenge session, then asked for by each persona with GET and with an empty POST. The
status must be the one in `EXPECTED`, written from the access rules (DESIGN.md, "Access"):

- anonymous: 302 to the sign-in page;
- a person who may not see the object: 404 (partnership-wide records such as cycles and the analysis,
  which are not any agency's, answer 403 to people outside the partnership's oversight);
- a person who may see it but not change it: 403;
- a GET to a POST-only view: 405.

Agency lead and contributors see only their own agency's return and a contributor cannot submit;
business unit and QA members see every return; chairs and readers see the analysis but never a
return or an evidence file. Every request runs in a transaction that is rolled back, and every
request but the few writes in `WRITES` must leave the Section 11 rows (and their versions) and the
stored files exactly as they were.

The other tests: extra POSTed fields are ignored (mass assignment), the senior officer must work for
the agency, evidence downloads are attachments that are never sniffed and never public, chairs'
and readers' pages and exports hold no evidence link and no agency's narrative, and no page shows a
person a link or button that then refuses them.
"""
import datetime
import os
import secrets
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

import section11.analysis_reports  # noqa: F401 - registers the analysis PDF export
from partnership import history
from partnership.models import Action, ReportExport, Role
from partnership.services.errors import ServiceError
from section11.analysis_reports import analysis_context, analysis_pdf
from section11.models import Answer, ChallengeSession, Cycle, Evidence, RatingLevel, Return
from section11.services import returns as return_services
from tests.factories import UserFactory
from tests.section11.access_expectations import EXPECTED, PERSONAS, SIGNED_IN, WRITES
from tests.section11.conftest import answer_all

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Text only an agency writes: none of it may reach a chair's or reader's page or export.
POLICE_NARRATIVE = "Police narrative: our custody audit found gaps"
POLICE_IMPACT = "Police impact: children wait less in custody"
POLICE_NA_REASON = "Police reason: we run no such service"
OUTSIDER_NARRATIVE = "Outsider narrative: volunteers are vetted"
MODERATOR_COMMENT = "Moderator comment: evidence is thin"
EVIDENCE_NAME = "police-custody-audit.pdf"
AGENCY_TEXT = (POLICE_NARRATIVE, POLICE_IMPACT, POLICE_NA_REASON, OUTSIDER_NARRATIVE, MODERATOR_COMMENT,
               EVIDENCE_NAME, "outsider-vetting.pdf")


# --- The world ---------------------------------------------------------------------------------------
@dataclass
class World:
    users: dict
    cycle: Cycle
    police_return: Return
    outsider_return: Return
    answer: Answer  # the police return's moderated answer
    evidence: Evidence
    outsider_evidence: Evidence
    session: ChallengeSession
    clients: dict = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client(raise_request_exception=False)
            if persona != "anonymous":
                client.force_login(self.users[persona])
            self.clients[persona] = client
        return self.clients[persona]


def _add_evidence(answer: Answer, name: str, by) -> Evidence:
    stored = f"{secrets.token_hex(8)}.pdf"
    evidence = Evidence(answer=answer, stored_name=stored, original_name=name, content_type="application/pdf",
                        size=len(PDF_BYTES), sha256="0" * 64, uploaded_by=by)
    evidence.file.save(stored, ContentFile(PDF_BYTES), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def world(cycle, police, police_return, outsider_return, outsider, contributor, agency_lead, chair, reader,
          qa_member, business_unit, reviews_member, ld_coordinator) -> World:
    # A senior police officer who sits on the reviews group: named to sign off, holds no Section 11 role.
    senior = UserFactory(email="senior@police.example.org", full_name="Sam Senior", agency=police,
                         roles=[Role.REVIEWS_MEMBER])
    answer_all(police_return, "green")
    history.update(police_return.answers.all(), narrative=POLICE_NARRATIVE, impact=POLICE_IMPACT)
    answers = list(police_return.answers.order_by("criterion__standard__number", "criterion__order"))
    history.update(Answer.objects.filter(pk=answers[-1].pk), rating=None, not_applicable=True,
                   not_applicable_reason=POLICE_NA_REASON)
    amber = RatingLevel.objects.get(scale=cycle.framework.scale, code="amber")
    moderated = answers[0]
    history.update(Answer.objects.filter(pk=moderated.pk), moderated_rating=amber, moderator_comment=MODERATOR_COMMENT,
                   moderated_by=qa_member, moderated_at=timezone.now(), version=3)
    history.update(Return.objects.filter(pk=police_return.pk),
                   status=Return.Status.SUBMITTED, senior_officer=senior, completed_by=contributor,
                   submitted_by=agency_lead, started_at=timezone.now(), submitted_at=timezone.now(), version=2)
    answer_all(outsider_return, "amber")
    history.update(outsider_return.answers.all(), narrative=OUTSIDER_NARRATIVE)
    history.update(Return.objects.filter(pk=outsider_return.pk), status=Return.Status.IN_PROGRESS)
    session = ChallengeSession.objects.create(
        ret=police_return, held_on=timezone.localdate(), panel_members="Chair of the QA subgroup",
        agency_attendees="Sam Senior", questions="How do you know?", outcome="Good progress.", created_by=qa_member,
    )
    return World(
        users={"outsider_lead": outsider, "police_contributor": contributor, "police_lead": agency_lead,
               "police_senior_officer": senior, "chair": chair, "reader": reader, "qa_member": qa_member,
               "business_unit": business_unit, "reviews_member": reviews_member, "ld_coordinator": ld_coordinator},
        cycle=cycle, police_return=Return.objects.get(pk=police_return.pk),
        outsider_return=Return.objects.get(pk=outsider_return.pk), answer=Answer.objects.get(pk=moderated.pk),
        evidence=_add_evidence(moderated, EVIDENCE_NAME, contributor),
        outsider_evidence=_add_evidence(outsider_return.answers.first(), "outsider-vetting.pdf", outsider),
        session=session,
    )


# --- The URL conf ------------------------------------------------------------------------------------
def section11_patterns(resolver=None, prefix: str = ""):
    """(name, route) for every pattern in the `section11` namespace, nested includes too."""
    if resolver is None:
        _, resolver = get_resolver().namespace_dict["section11"]
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from section11_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, str(pattern.pattern)


def _route_kwargs(world: World, name: str, route: str) -> dict:
    """Fill each path parameter with the police agency's object. `pk` means the route's first segment."""
    from django.urls.resolvers import RoutePattern

    pk_of = {"cycles": world.cycle.pk, "returns": world.police_return.pk, "evidence": world.evidence.pk,
             "challenge-sessions": world.session.pk, "analysis": world.cycle.pk}
    others = {"cycle_pk": world.cycle.pk, "ret_pk": world.police_return.pk, "answer_pk": world.answer.pk,
              "number": world.answer.criterion.standard.number, "token": secrets.token_hex(16)}
    kwargs = {}
    for param in RoutePattern(route).converters:
        if param == "pk":
            segment = route.split("/", 1)[0]
            assert segment in pk_of, f"section11:{name} ({route}): teach _route_kwargs what <pk> is under {segment}/"
            kwargs[param] = pk_of[segment]
        else:
            assert param in others, f"section11:{name} ({route}): teach _route_kwargs what <{param}> is"
            kwargs[param] = others[param]
    return kwargs


def section11_urls(world: World) -> dict[str, str]:
    return {name: reverse(f"section11:{name}", kwargs=_route_kwargs(world, name, route))
            for name, route in section11_patterns()}


# --- Snapshots of what a request may change ----------------------------------------------------------
SNAPSHOT_MODELS = (Cycle, Cycle.agencies.through, Return, Answer, Evidence, ChallengeSession, Action)


def _stored_files() -> set[str]:
    root = default_storage.location
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}


def snapshot() -> dict:
    state = {model.__name__: {r["id"]: r for r in model.objects.order_by("pk").values()} for model in SNAPSHOT_MODELS}
    state["files"] = _stored_files()
    return state


def differences(before: dict, after: dict) -> list[str]:
    found = []
    if before["files"] != after["files"]:
        found.append(f"files added {sorted(after['files'] - before['files'])}, "
                     f"removed {sorted(before['files'] - after['files'])}")
    for model in (m.__name__ for m in SNAPSHOT_MODELS):
        old, new = before[model], after[model]
        for pk in old.keys() - new.keys():
            found.append(f"{model} #{pk} deleted")
        for pk in new.keys() - old.keys():
            found.append(f"{model} #{pk} created")
        for pk in old.keys() & new.keys():
            changed = {k: (old[pk][k], new[pk][k]) for k in old[pk] if old[pk][k] != new[pk][k]}
            if changed:
                found.append(f"{model} #{pk} changed {changed}")
    return found


def body(response) -> bytes:
    """The content, streamed or not. The test client closes a streamed response once it is read; closing
    it again would fire request_finished and close the database connection inside the transaction."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def call(client: Client, method: str, url: str, data=None):
    """One request in a transaction rolled back afterwards: (response, what it changed)."""
    with transaction.atomic():
        before = snapshot()
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        response.body = body(response)
        after = snapshot()
        transaction.set_rollback(True)
    return response, differences(before, after)


# --- The matrix --------------------------------------------------------------------------------------
def test_every_section11_url_has_a_row_in_the_expected_table():
    names = {name for name, _ in section11_patterns()}
    assert names, "no section11 URL patterns found"
    missing, stale = sorted(names - EXPECTED.keys()), sorted(EXPECTED.keys() - names)
    assert not missing, f"add these section11 URLs to EXPECTED in {__name__}: {missing}"
    assert not stale, f"these EXPECTED rows name no section11 URL any more: {stale}"
    for name, methods in EXPECTED.items():
        for method in ("GET", "POST"):
            assert set(methods[method]) == set(PERSONAS), f"{name} {method}: a status for every persona"


def test_access_matrix(world):
    """Every section11 URL × persona × (GET, empty POST): the expected status, and nothing changed."""
    sign_in = resolve_url(settings.LOGIN_URL)
    mismatches = []
    for name, url in sorted(section11_urls(world).items()):
        if name not in EXPECTED:
            mismatches.append(f"section11:{name}: no row in EXPECTED")
            continue
        for method in ("GET", "POST"):
            for persona in PERSONAS:
                expected = EXPECTED[name][method][persona]
                response, changes = call(world.client(persona), method, url)
                where = f"{method:4} {name} {url} as {persona}"
                if response.status_code != expected:
                    mismatches.append(f"{where}: expected {expected}, got {response.status_code}")
                elif persona == "anonymous" and expected == 302 and not response["Location"].startswith(sign_in):
                    mismatches.append(f"{where}: redirected to {response['Location']}, not to sign in")
                if (method, name, persona) in WRITES:
                    if response.status_code == expected and not changes:
                        mismatches.append(f"{where}: should have changed something, changed nothing")
                elif changes:
                    mismatches.append(f"{where}: answered {response.status_code} but changed " + "; ".join(changes))
    assert not mismatches, f"{len(mismatches)} access mismatches:\n" + "\n".join(mismatches)


# --- Mass assignment ---------------------------------------------------------------------------------
EXTRA_FIELDS = ("agency", "status", "cycle", "ret", "criterion", "senior_officer", "submitted_by", "signed_off_by",
                "completed_by", "copied_from", "return_message", "moderated_rating", "moderator_comment",
                "moderated_by", "rating", "narrative", "impact", "needs_check", "updated_by", "version")


def _extras(prefix: str, world: World, *, keep: tuple = ()) -> dict:
    """Every extra field, both bare and with the form's prefix, pointing at the outsider's things."""
    values = {"agency": world.outsider_return.agency_id, "status": Return.Status.SIGNED_OFF,
              "cycle": world.cycle.pk + 1000, "ret": world.outsider_return.pk,
              "criterion": world.outsider_return.answers.last().criterion_id,
              "senior_officer": world.users["outsider_lead"].pk, "submitted_by": world.users["outsider_lead"].pk,
              "signed_off_by": world.users["outsider_lead"].pk, "completed_by": world.users["outsider_lead"].pk,
              "copied_from": world.outsider_return.pk, "return_message": "Injected",
              "moderated_rating": RatingLevel.objects.get(scale=world.cycle.framework.scale, code="red").pk,
              "moderator_comment": "Injected", "moderated_by": world.users["outsider_lead"].pk,
              "rating": RatingLevel.objects.get(scale=world.cycle.framework.scale, code="red").pk,
              "narrative": "Injected", "impact": "Injected", "needs_check": "on",
              "updated_by": world.users["outsider_lead"].pk, "version": 999}
    data = {k: v for k, v in values.items() if k in EXTRA_FIELDS}
    data.update({f"{prefix}{k}": v for k, v in data.items() if k not in keep})
    return data


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def _make_editable(world: World) -> Return:
    history.update(Return.objects.filter(pk=world.police_return.pk), status=Return.Status.IN_PROGRESS)
    return Return.objects.get(pk=world.police_return.pk)


def test_answer_save_ignores_every_field_it_does_not_ask_for(client_for, world):
    _make_editable(world)
    answer = world.answer
    ret_before, answer_before = _row(Return, world.police_return.pk), _row(Answer, answer.pk)
    prefix = f"a{answer.pk}-"
    data = _extras(prefix, world, keep=("rating", "narrative", "impact", "version"))
    amber = RatingLevel.objects.get(scale=world.cycle.framework.scale, code="amber")
    data.update({prefix + "rating": amber.pk, prefix + "narrative": "Typed by the lead", prefix + "impact": "",
                 prefix + "not_applicable_reason": "", prefix + "version": answer.version})

    response = client_for(world.users["police_lead"]).post(
        reverse("section11:answer-save", args=[world.police_return.pk, answer.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = _row(Answer, answer.pk)
    assert (after["narrative"], after["rating_id"]) == ("Typed by the lead", amber.pk)
    assert after["version"] == answer_before["version"] + 1
    for name in ("ret_id", "criterion_id", "moderated_rating_id", "moderator_comment", "moderated_by_id",
                 "moderated_at", "needs_check"):
        assert after[name] == answer_before[name], name
    assert _row(Return, world.police_return.pk) == ret_before


def test_return_header_ignores_every_field_it_does_not_ask_for(client_for, world):
    ret = _make_editable(world)
    before = _row(Return, ret.pk)
    colleague = world.users["police_senior_officer"]  # not the contributor: he completed the return
    data = _extras("", world, keep=EXTRA_FIELDS)
    data.update({"deputy_name": "Dee Deputy", "deputy_email": "dee@police.example.org",
                 "senior_officer": colleague.pk, "version": ret.version})

    response = client_for(world.users["police_lead"]).post(reverse("section11:return-header", args=[ret.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = _row(Return, ret.pk)
    assert (after["deputy_name"], after["senior_officer_id"]) == ("Dee Deputy", colleague.pk)
    assert after["version"] == before["version"] + 1
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"deputy_name", "deputy_email", "senior_officer_id", "version", "updated_at"}, changed


def test_return_header_with_a_stale_or_invented_version_changes_nothing(client_for, world):
    ret = _make_editable(world)
    before = _row(Return, ret.pk)
    response = client_for(world.users["police_lead"]).post(
        reverse("section11:return-header", args=[ret.pk]),
        {"deputy_name": "Dee Deputy", "senior_officer": world.users["police_senior_officer"].pk,
         "version": ret.version + 50},
    )
    assert response.status_code == 409
    assert _row(Return, ret.pk) == before


def test_moderation_ignores_every_field_it_does_not_ask_for(client_for, world):
    answer = world.answer
    ret_before, answer_before = _row(Return, world.police_return.pk), _row(Answer, answer.pk)
    prefix = f"m{answer.pk}-"
    data = _extras(prefix, world, keep=("moderated_rating", "version"))
    red = RatingLevel.objects.get(scale=world.cycle.framework.scale, code="red")
    data.update({prefix + "moderated_rating": red.pk, prefix + "comment": "Moderated", prefix + "version":
                 answer.version})

    response = client_for(world.users["qa_member"]).post(
        reverse("section11:moderate-answer", args=[world.police_return.pk, answer.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = _row(Answer, answer.pk)
    assert (after["moderated_rating_id"], after["moderator_comment"]) == (red.pk, "Moderated")
    assert after["moderated_by_id"] == world.users["qa_member"].pk
    assert after["version"] == answer_before["version"] + 1
    for name in ("ret_id", "criterion_id", "rating_id", "narrative", "impact", "not_applicable", "status",
                 "needs_check", "updated_by_id"):
        assert after[name] == answer_before[name], name
    assert _row(Return, world.police_return.pk) == ret_before


def test_agency_lead_cannot_name_another_agencys_person_as_senior_officer(client_for, world):
    ret = _make_editable(world)
    before = _row(Return, ret.pk)
    foreigner = world.users["outsider_lead"]

    response = client_for(world.users["police_lead"]).post(
        reverse("section11:return-header", args=[ret.pk]),
        {"deputy_name": "Dee Deputy", "senior_officer": foreigner.pk, "version": ret.version},
    )

    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in response.content.decode()
    assert _row(Return, ret.pk) == before
    with pytest.raises(ServiceError):  # and the service refuses it whoever calls it
        return_services.return_update_header(ret=ret, by=world.users["police_lead"], expected_version=ret.version,
                                             senior_officer=foreigner)
    assert _row(Return, ret.pk) == before


def test_named_senior_officer_without_an_agency_role_reads_the_return_they_sign_off(world):
    senior = world.client("police_senior_officer")
    sign_off = senior.get(reverse("section11:return-sign-off", args=[world.police_return.pk]))
    assert sign_off.status_code == 200
    assert senior.get(world.police_return.get_absolute_url()).status_code == 200  # "Read the return"
    assert world.police_return.agency.name in senior.get(reverse("section11:return-list")).content.decode()
    assert world.client("police_senior_officer").get(world.outsider_return.get_absolute_url()).status_code == 404


# --- Evidence files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["police_contributor", "police_lead", "qa_member", "business_unit"])
def test_evidence_download_is_an_attachment_that_is_never_sniffed(world, persona):
    response = world.client(persona).get(reverse("section11:evidence-download", args=[world.evidence.pk]))
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert EVIDENCE_NAME in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", ["anonymous", "police_lead", "business_unit"])
def test_evidence_files_are_not_served_under_any_public_url(world, persona):
    client = world.client(persona)
    name = world.evidence.file.name
    path = default_storage.path(name)
    assert os.path.exists(path)
    candidates = {f"/media/{name}", f"/{name}", f"/static/{name}", path, f"/media{path}", f"/static{path}",
                  f"/media/{os.path.basename(name)}"}
    if settings.MEDIA_URL:
        candidates.add(f"/{settings.MEDIA_URL.strip('/')}/{name}".replace("//", "/"))
    for url in sorted(candidates):
        response = client.get(url)
        assert response.status_code == 404, f"{url} answered {response.status_code} for {persona}"
        body(response)


# --- Chairs and readers ------------------------------------------------------------------------------
def _assert_no_agency_detail(text: str, where: str) -> None:
    evidence_prefix = reverse("section11:evidence-download", args=[0]).rsplit("0/", 1)[0]
    assert evidence_prefix not in text, f"{where} links to an evidence file"
    leaked = [t for t in AGENCY_TEXT if t in text]
    assert not leaked, f"{where} shows agency text: {leaked}"


@pytest.mark.parametrize("persona", ["chair", "reader"])
def test_chair_and_reader_pages_show_no_evidence_and_no_agency_narrative(world, persona):
    client = world.client(persona)
    analysis = reverse("section11:cycle-analysis", args=[world.cycle.pk])
    csv_url = reverse("section11:cycle-analysis-csv", args=[world.cycle.pk])
    pages = [reverse("section11:analysis-list"), reverse("section11:return-list"), analysis,
             f"{analysis}?ratings=moderated", f"{analysis}?sector=police", csv_url, f"{csv_url}?ratings=moderated",
             reverse("home")]
    for url in pages:
        response, _ = call(client, "GET", url)
        assert response.status_code == 200, url
        _assert_no_agency_detail(response.body.decode(), f"{url} as {persona}")
        assert f'href="{world.police_return.get_absolute_url()}"' not in response.body.decode(), url


def test_analysis_pdf_shows_no_evidence_and_no_agency_narrative(world, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("chair").post(reverse("section11:cycle-analysis-pdf", args=[world.cycle.pk]),
                                              {"ratings": "moderated"})
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.READY, export.error
    path = tmp_path / "analysis.pdf"
    with export.file.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert world.police_return.agency.display_name in text  # the heat map is there...
    _assert_no_agency_detail(" ".join(text.split()), "the analysis PDF")  # ...but no agency's own words
    for basis in ("self", "moderated"):  # and the template it is made from holds no link to evidence
        html = render_to_string("section11/pdf/analysis.html", analysis_context(world.cycle, basis=basis))
        _assert_no_agency_detail(html, f"the analysis PDF's HTML ({basis})")
    assert analysis_pdf({"cycle_id": world.cycle.pk})[1].startswith(b"%PDF")


def test_outsider_sees_nothing_of_the_police_return(world):
    client = world.client("outsider_lead")
    listing = client.get(reverse("section11:return-list")).content.decode()
    assert world.police_return.agency.display_name not in listing
    assert world.outsider_return.agency.display_name in listing
    own_evidence = reverse("section11:evidence-download", args=[world.outsider_evidence.pk])
    assert call(client, "GET", own_evidence)[0].status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert world.police_return.agency.display_name not in home
    assert POLICE_NARRATIVE not in home


# --- No link or button that refuses the person it is shown to ----------------------------------------
class _Targets(HTMLParser):
    """(method, url) of every link, form and form button on a page."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.form_method, self.targets = page_url, None, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.targets.add(("GET", a["href"]))
        elif tag == "form":
            self.form_method = (a.get("method") or "get").upper()
            self.targets.add((self.form_method, a.get("action") or self.page_url))
        elif tag in ("button", "input") and a.get("formaction"):
            self.targets.add((self.form_method or "GET", a["formaction"]))
        if a.get("hx-post"):
            self.targets.add(("POST", a["hx-post"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form_method = None


def _section11_targets(page_url: str, html: str) -> set[tuple[str, str]]:
    parser = _Targets(page_url)
    parser.feed(html)
    found = set()
    for method, target in parser.targets:
        parts = urlsplit(target)
        if parts.netloc or not parts.path.startswith("/"):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.namespace == "section11":
            found.add((method, parts.path + (f"?{parts.query}" if parts.query else "")))
    return found


def _refused_offers(world: World) -> list[str]:
    """Every section11 page (and home) each persona may open; every link and button on it; any refused."""
    problems = []
    urls = section11_urls(world)
    for persona in SIGNED_IN:
        client = world.client(persona)
        pages = [reverse("home")] + [url for name, url in sorted(urls.items())
                                     if EXPECTED.get(name, {}).get("GET", {}).get(persona) == 200]
        offered: dict[tuple[str, str], str] = {}
        for page in pages:
            response, _ = call(client, "GET", page)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                for target in _section11_targets(page, response.body.decode()):
                    offered.setdefault(target, page)
        for (method, target), page in sorted(offered.items()):
            response, _ = call(client, method, target)
            if response.status_code in (403, 404, 405):
                problems.append(f"{page} offers {persona} {method} {target}, which answers {response.status_code}")
    return problems


def test_no_page_offers_a_submitted_returns_readers_a_link_or_button_that_refuses_them(world):
    problems = _refused_offers(world)
    assert not problems, "\n".join(problems)


def test_no_page_offers_a_draft_returns_editors_a_link_or_button_that_refuses_them(world):
    history.update(Return.objects.filter(pk=world.police_return.pk), status=Return.Status.RETURNED,
                   returned_at=timezone.now(), return_message="Add 2.1")
    problems = _refused_offers(world)
    assert not problems, "\n".join(problems)


def test_start_from_last_return_is_offered_only_when_there_is_an_earlier_return(world, framework):
    ret = world.outsider_return
    history.update(ret.answers.all(), rating=None, narrative="", status=Answer.Status.TO_DO)
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.NOT_STARTED)
    client = world.client("outsider_lead")
    assert "start-from-last" not in client.get(ret.get_absolute_url()).content.decode()  # first cycle

    earlier = Cycle.objects.create(name="Section 11 2024", framework=framework, status=Cycle.Status.CLOSED,
                                   opens_on=world.cycle.opens_on - datetime.timedelta(days=730),
                                   deadline=world.cycle.opens_on - datetime.timedelta(days=600))
    Return.objects.create(cycle=earlier, agency=ret.agency, status=Return.Status.SIGNED_OFF)
    assert reverse("section11:return-start-from-last", args=[ret.pk]) in client.get(
        ret.get_absolute_url()).content.decode()
