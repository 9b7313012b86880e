from django.contrib import admin
from django.urls import include, path

from . import agency_views, governance_views, report_views, views, yearly_views

urlpatterns = [
    # The root's own pages: each views module declares its `urlpatterns` (the one convention, docs/architecture.md)
    *views.urlpatterns,  # home, /healthz and the admin sign-in redirect
    *report_views.urlpatterns,  # board packs and sent reminders
    *yearly_views.urlpatterns,  # the yearly report
    *agency_views.urlpatterns,  # agencies' accountability and escalations
    *governance_views.urlpatterns,  # priorities and statutory duties
    path("meetings/", include("merton_qa.meetings.urls")),
    path("", include("partnership.urls")),
    path("section-11/", include("section11.urls")),
    path("performance/", include("performance.urls")),
    path("audits/", include("audits.urls")),
    path("reviews/", include("reviews.urls")),
    path("learning/", include("learning.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "merton_qa.views.bad_request"
handler403 = "merton_qa.views.permission_denied"
handler404 = "merton_qa.views.page_not_found"
handler500 = "merton_qa.views.server_error"
