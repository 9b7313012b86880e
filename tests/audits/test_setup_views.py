"""Setting up a programme and an audit through the pages, and a concurrent edit refused."""
import pytest
from django.urls import reverse

from audits.models import Audit, Programme
from partnership.models import JourneyStage

pytestmark = pytest.mark.django_db


def test_programme_and_audit_set_up_and_edit(tool, police, business_unit, qa_member, client_for):
    c = client_for(business_unit)
    r = c.post(reverse("audits:programme-create"), {"year": "2026-27"})
    programme = Programme.objects.get(year="2026-27")
    assert r.status_code == 302
    assert c.post(reverse("audits:programme-create"), {"year": "2026-27"}).status_code == 400
    r = c.post(reverse("audits:audit-create", args=[programme.pk]), {
        "theme": "Parental mental health", "tool": tool.pk, "agencies": [police.pk],
        "planned_month_0": "15", "planned_month_1": "9", "planned_month_2": "2026"})
    assert r.status_code == 302, r.content.decode()[:2000]
    audit = Audit.objects.get(theme="Parental mental health")
    assert audit.planned_month.day == 1 and list(audit.agencies.all()) == [police]
    page = c.get(reverse("audits:programme", args=[programme.pk])).content.decode()
    assert "Parental mental health" in page and "September 2026" in page
    # Two people edit at once: the second save is refused and what they typed is kept.


    stage = JourneyStage.objects.first() or JourneyStage.objects.create(code="help", name="Early help", order=1)
    form = {"theme": "Parental mental health and substance misuse", "tool": tool.pk, "version": audit.version,
            "journey_stages": [stage.pk]}
    assert c.post(reverse("audits:audit-edit", args=[audit.pk]), form).status_code == 302
    assert list(audit.journey_stages.all()) == [stage] and not audit.agencies.exists()
    stale = {**form, "theme": "Something else"}
    r = client_for(qa_member).post(reverse("audits:audit-edit", args=[audit.pk]), stale)
    assert r.status_code == 409 and "Someone else changed this record" in r.content.decode()
    assert 'value="Something else"' in r.content.decode()
    assert "Parental mental health and substance misuse" in r.content.decode()  # what is saved now
    audit.refresh_from_db()
    assert audit.theme == "Parental mental health and substance misuse" and audit.history.count() >= 2


def test_the_tool_loads_from_yaml_idempotently(tool):
    from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool

    again = load_tool(TOOLS_DIR / "general-2025.yaml")
    assert again.pk == tool.pk and tool.domains.count() == 8 and tool.domains.filter(is_overall=True).count() == 1
    assert list(tool.grades.filter(good_or_better=True).values_list("label", flat=True)) == ["Outstanding", "Good"]
