"""The access log: one row per read of a case page, append-only in code, in the admin and (PostgreSQL) in the
database; the business unit reads it; two-factor sign-in guards every reviews page."""
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from reviews.models import AppendOnlyError, ReviewAccessLog

from .test_access_matrix import PK_SOURCE

pytestmark = pytest.mark.django_db

DETAIL_PAGES = ["referral-detail", "notification-detail", "rapid-review-detail", "lcspr-detail", "summary-write"]


@pytest.mark.parametrize("name", DETAIL_PAGES)
def test_every_read_of_a_case_page_is_logged(name, full_case, reviews_member, client_for):
    client = client_for(reviews_member)
    obj = full_case[PK_SOURCE[name]]
    url = reverse(f"reviews:{name}", args=[obj.pk])
    before = ReviewAccessLog.objects.count()
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert ReviewAccessLog.objects.count() == before + 3
    entry = ReviewAccessLog.objects.first()
    assert (entry.user, entry.action, entry.object_pk, entry.ip_address) == (reviews_member, "view", obj.pk,
                                                                             "10.1.2.3")
    assert entry.case_reference == "MSCP-TEST-01"


def test_every_form_page_of_a_case_is_logged(full_case, reviews_member, client_for):
    client = client_for(reviews_member)
    from reviews import urls
    before = ReviewAccessLog.objects.count()
    pages = [p.name for p in urls.urlpatterns if "<int:pk>" in str(p.pattern)]
    for name in pages:
        client.get(reverse(f"reviews:{name}", args=[full_case[PK_SOURCE[name]].pk]))
    # POST-only pages answer 405 to a GET without reading the record
    post_only = {"rapid-review-create", "rapid-review-sign-off", "lcspr-commission"}
    assert ReviewAccessLog.objects.count() == before + len(pages) - len(post_only)


def test_a_refused_read_is_not_logged_and_reveals_nothing(full_case, qa_member, client_for):
    response = client_for(qa_member).get(full_case["notification"].get_absolute_url())
    assert response.status_code == 404 and b"MSCP-TEST-01" not in response.content


def test_log_cannot_be_changed_or_deleted_in_code(full_case, reviews_member, client_for):
    client_for(reviews_member).get(full_case["notification"].get_absolute_url())
    entry = ReviewAccessLog.objects.first()
    entry.action = "export"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ReviewAccessLog.objects.filter(pk=entry.pk).update(action="export")
    with pytest.raises(AppendOnlyError):
        ReviewAccessLog.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_trigger_refuses_update_and_delete(full_case, reviews_member, client_for):
    client_for(reviews_member).get(full_case["notification"].get_absolute_url())
    pk = ReviewAccessLog.objects.first().pk
    for sql in ("UPDATE reviews_reviewaccesslog SET action = 'export' WHERE id = %s",
                "DELETE FROM reviews_reviewaccesslog WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert ReviewAccessLog.objects.filter(pk=pk, action="view").exists()


def test_admin_is_read_only(business_unit, client_for, full_case, reviews_member):
    client_for(reviews_member).get(full_case["notification"].get_absolute_url())
    entry = ReviewAccessLog.objects.first()
    client = client_for(business_unit)
    assert client.get(reverse("admin:reviews_reviewaccesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_reviewaccesslog_add")).status_code == 403
    assert client.post(reverse("admin:reviews_reviewaccesslog_delete", args=[entry.pk]), {"post": "yes"}) \
        .status_code == 403
    assert ReviewAccessLog.objects.filter(pk=entry.pk).exists()


def test_business_unit_reads_and_filters_the_log(full_case, business_unit, reviews_member, client_for,
                                                 django_assert_max_num_queries):
    reviewer = client_for(reviews_member)
    for _ in range(60):
        reviewer.get(full_case["referral"].get_absolute_url())
    client = client_for(business_unit)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:access-log"), {"person": "robin", "record": "MSCP-TEST"})
    assert page.status_code == 200 and page.content.decode().count("Robin Reviews") == 50
    assert "page=2" in page.content.decode()
    none = client.get(reverse("reviews:access-log"), {"person": "nobody"})
    assert "No entries match" in none.content.decode()


def test_password_only_session_reaches_no_reviews_page(settings, full_case, reviews_member, client_for):
    settings.REQUIRE_2FA = True
    client = client_for(reviews_member)
    from .test_access_matrix import all_urls
    for url in all_urls(full_case):
        response = client.get(url)
        assert response.status_code == 302 and "two-factor" in response["Location"], url


def test_business_unit_follows_a_case_to_its_access_log(full_case, business_unit, reviews_member, client_for):
    bu_page = client_for(business_unit).get(full_case["rapid_review"].get_absolute_url()).content.decode()
    assert "Who has looked at this case" in bu_page and "record=MSCP-TEST-01" in bu_page
    member_page = client_for(reviews_member).get(full_case["rapid_review"].get_absolute_url()).content.decode()
    assert "Who has looked at this case" not in member_page
