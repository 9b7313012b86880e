"""Audits fixtures: the shipped general tool, and audits in chosen states built directly (not through emails).

Builds on tests/conftest.py personas (agency_lead and contributor work for `police`; outsider for
`outsider_agency`).
"""
import datetime

import pytest
from django.utils import timezone

from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool
from audits.models import AgencyAudit, AgencyAuditAnswer, Audit, AuditCase, ConsensusGrade, Grade, Programme
from partnership import history
from tests.factories import AgencyFactory


@pytest.fixture
def tool(db):
    return load_tool(TOOLS_DIR / "general-2025.yaml")


@pytest.fixture
def programme(db):
    return Programme.objects.create(year="2025-26")


@pytest.fixture
def health(db):
    return AgencyFactory(name="Community Health Trust")


def make_audit(tool, programme, agencies, *, theme="Neglect", status=Audit.Status.SCOPING, cases=2, **extra):
    """An audit with `cases` cases, each involving every agency; agency audits opened when past scoping."""
    audit = Audit.objects.create(programme=programme, tool=tool, theme=theme, status=status,
                                 question="How well do we recognise neglect?",
                                 agency_audits_due=timezone.localdate() + datetime.timedelta(days=10), **extra)
    audit.agencies.set(agencies)
    domains = list(tool.domains.all())
    for n in range(1, cases + 1):
        case = AuditCase.objects.create(audit=audit, case_reference=f"MA-2026-{audit.pk:02d}{n:02d}", age_band="1_5")
        case.agencies.set(agencies)
        if status not in (Audit.Status.PLANNED, Audit.Status.SCOPING):
            for agency in agencies:
                aa = AgencyAudit.objects.create(case=case, agency=agency)
                AgencyAuditAnswer.objects.bulk_create([AgencyAuditAnswer(agency_audit=aa, domain=d) for d in domains])
    return audit


def submit_all(audit, grade_code="good"):
    grade = Grade.objects.get(tool=audit.tool, code=grade_code)
    AgencyAuditAnswer.objects.filter(agency_audit__case__audit=audit).update(grade=grade)
    history.update(AgencyAudit.objects.filter(case__audit=audit), status="submitted", submitted_at=timezone.now())


def agree_all(audit, codes_by_case=None, default="good"):
    """Consensus grade every domain of every case (codes_by_case: case index -> grade code for all domains)."""
    codes_by_case = codes_by_case or {}
    grades = {g.code: g for g in audit.tool.grades.all()}
    for i, case in enumerate(audit.cases.order_by("pk")):
        for domain in audit.tool.domains.all():
            ConsensusGrade.objects.update_or_create(case=case, domain=domain, defaults={
                "grade": grades[codes_by_case.get(i, default)]})


@pytest.fixture
def audit(tool, programme, police, health):
    """Agency audits in progress: two cases, police and health involved in each."""
    return make_audit(tool, programme, [police, health], status=Audit.Status.IN_PROGRESS)
