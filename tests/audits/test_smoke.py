import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render_for_business_unit(audit, business_unit, client_for):
    c = client_for(business_unit)
    case = audit.cases.first()
    aa = case.agency_audits.first()
    for url in [reverse("audits:programme-list"), reverse("audits:programme", args=[audit.programme_id]),
                reverse("audits:audit-detail", args=[audit.pk]), reverse("audits:case-detail", args=[case.pk]),
                reverse("audits:agency-audit", args=[aa.pk]), reverse("audits:report", args=[audit.pk]),
                reverse("audits:audit-edit", args=[audit.pk]), reverse("audits:case-add", args=[audit.pk]),
                reverse("audits:concern-raise", args=[case.pk]), reverse("audits:audit-create", args=[audit.programme_id]),
                reverse("home")]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
