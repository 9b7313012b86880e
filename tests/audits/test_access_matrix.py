"""Who may reach every audits URL, generated from the URL conf so that a new URL is covered at once.

The world: an audit with agency audits in progress; its two cases involve the police and a health trust;
the outsider's agency takes no part. Each persona asks every URL with GET and with an empty POST, each in a
transaction that is rolled back. Expected (DESIGN.md, "Access"): anonymous 302 to sign in; a record the
person may not see 404; may see but not change 403; GET to a POST-only view 405. Chairs and readers see the
audit and its report but never a case or a return (404); the police see their cases and returns; the
outsider (an auditor of an uninvolved agency) gets 404 for the audit, its cases, returns and concerns.
"""
import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from audits.models import AgencyAudit, Finding
from audits.services.concerns import concern_raise

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "police_contributor", "police_lead", "chair", "reader", "qa_member",
            "business_unit", "reviews_member", "ld_coordinator")
SIGNED_IN = PERSONAS[1:]
POLICE = ("police_contributor", "police_lead")
OVERSIGHT = ("qa_member", "business_unit")
READERS = ("chair", "reader")
NOBODY = ("outsider", "reviews_member", "ld_coordinator")


def row(default, **statuses):
    result = {"anonymous": 302, **dict.fromkeys(SIGNED_IN, default)}
    for key, value in statuses.items():
        for persona in GROUPS.get(key, (key,)):
            assert persona in SIGNED_IN, persona
            result[persona] = value
    return result


GROUPS = {"police": POLICE, "oversight": OVERSIGHT, "readers": READERS}


def same(statuses):
    return {"GET": statuses, "POST": statuses}


def post_only(statuses):
    return {"GET": row(405), "POST": statuses}


def manage_form(level_for_visible=403, post=400, **extra):
    """A form for the business unit and QA: others who see the audit 403, the rest 404."""
    return {"GET": row(404, oversight=200, **{k: level_for_visible for k in ("police", "readers")}, **extra),
            "POST": row(404, oversight=post, **{k: level_for_visible for k in ("police", "readers")}, **extra)}


def case_form(post=400):
    """A business-unit form on a case: the police see the case (403); chairs and readers do not (404)."""
    return {"GET": row(404, oversight=200, police=403), "POST": row(404, oversight=post, police=403)}


EXPECTED = {
    "programme-list": same(row(200)),
    "my-audits": same(row(200)),
    "programme-create": {"GET": row(403, oversight=200), "POST": row(403, oversight=400)},
    "programme": same(row(403, oversight=200, readers=200, police=200)),
    "audit-create": {"GET": row(403, oversight=200), "POST": row(403, oversight=400)},
    "audit-detail": same(row(404, oversight=200, readers=200, police=200)),
    "audit-edit": manage_form(),
    "audit-transition": post_only(row(404, oversight=302, readers=403, police=403)),
    "audit-remind": post_only(row(404, oversight=302, readers=403, police=403)),
    "audit-remind-all": {"GET": row(404, oversight=200, readers=403, police=403),  # how many will be told
                         "POST": row(404, oversight=302, readers=403, police=403)},
    "case-add": manage_form(),
    "case-detail": same(row(404, oversight=200, police=200)),
    "case-remove": post_only(row(404, oversight=302, police=403)),
    "agency-audit": {"GET": row(404, oversight=200, police=200), "POST": row(404, oversight=403, police=409)},
    "concern-raise": {"GET": row(404, oversight=200, police=200), "POST": row(404, oversight=400, police=400)},
    "concern-detail": {"GET": row(404, oversight=200, police=200),
                       "POST": row(404, oversight=403, police_contributor=403, police_lead=400)},
    "meeting": manage_form(),
    "consensus": case_form(),
    "finding-add": manage_form(),
    "finding-remove": post_only(row(404, oversight=302, readers=403, police=403)),
    "recommendation-add": manage_form(),
    "summary": manage_form(),
    "action-add": manage_form(),
    "feedback-add": case_form(),
    "report": same(row(404, oversight=200, readers=200, police=200)),
    "report-pdf": post_only(row(404, oversight=302, readers=302, police=302)),  # asks; made in the background
}


@pytest.fixture
def world(audit, police, business_unit, qa_member, chair, reader, agency_lead, contributor, outsider,
          reviews_member, ld_coordinator):
    case = audit.cases.first()
    concern = concern_raise(case=case, agency=police, by=contributor, description="Unsafe now.")
    finding = Finding.objects.create(audit=audit, kind="strength", theme="Voice", text="Seen alone.")
    ids = {
        "programme": {"pk": audit.programme_id}, "audit-create": {"programme_pk": audit.programme_id},
        "audit-remind": {"pk": audit.pk, "agency_pk": police.pk},
        "agency-audit": {"pk": AgencyAudit.objects.get(case=case, agency=police).pk},
        "concern-detail": {"pk": concern.pk}, "finding-remove": {"pk": finding.pk},
    }
    for name in ("case-detail", "case-remove", "concern-raise", "consensus", "feedback-add"):
        ids[name] = {"pk": case.pk}
    people = {"outsider": outsider, "police_contributor": contributor, "police_lead": agency_lead, "chair": chair,
              "reader": reader, "qa_member": qa_member, "business_unit": business_unit,
              "reviews_member": reviews_member, "ld_coordinator": ld_coordinator}
    clients = {"anonymous": Client()}
    for persona, user in people.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    return {"ids": ids, "audit": audit, "clients": clients}


def audit_url_names():
    resolver = get_resolver().url_patterns
    for pattern in resolver:
        if getattr(pattern, "namespace", None) == "audits":
            return sorted(p.name for p in pattern.url_patterns)
    raise AssertionError("audits URLs not found")


def test_every_url_has_expectations():
    assert set(audit_url_names()) == set(EXPECTED)


def test_access_matrix(world):
    failures = []
    for name in audit_url_names():
        kwargs = world["ids"].get(name, {"pk": world["audit"].pk} if "<int:pk>" in _route(name) else {})
        url = reverse(f"audits:{name}", kwargs=kwargs)
        for method in ("GET", "POST"):
            for persona in PERSONAS:
                client = world["clients"][persona]
                with transaction.atomic():
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    transaction.set_rollback(True)
                expected = EXPECTED[name][method][persona]
                if response.status_code != expected:
                    failures.append(f"{method} {name} as {persona}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def _route(name):
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "audits":
            for p in pattern.url_patterns:
                if p.name == name:
                    return str(p.pattern)
    return ""


def test_chairs_and_readers_never_see_case_references_or_returns(world, chair):
    client = world["clients"]["chair"]
    audit = world["audit"]
    for url in (reverse("audits:audit-detail", args=[audit.pk]), reverse("audits:report", args=[audit.pk]),
                reverse("audits:programme-list")):
        page = client.get(url).content.decode()
        assert "MA-2026" not in page and "agency-audits/" not in page, url


def test_outsider_sees_no_audit_in_the_lists(world):
    client = world["clients"]["outsider"]
    for url in (reverse("audits:programme-list"), reverse("audits:my-audits")):
        page = client.get(url).content.decode()
        assert world["audit"].theme not in page and "MA-2026" not in page
