from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import report_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("reports/board/", report_views.board_reports, name="board-reports"),
    path("reports/board/packs/<int:pk>/", report_views.board_pack, name="board-pack"),
    path("reports/board/packs/<int:pk>/pdf/", report_views.board_pack_download, name="board-pack-download"),
    path("reports/board/packs/<int:pk>/<slug:step>/", report_views.board_pack_step, name="board-pack-step"),
    path("reminders/sent/", report_views.sent_reminders, name="sent-reminders"),
    path("reminders/sent/<int:pk>/", report_views.sent_reminder_detail, name="sent-reminder-detail"),
    path("reminders/send-now/", report_views.send_reminders_now, name="send-reminders-now"),
    path("", include("partnership.urls")),
    path("section-11/", include("section11.urls")),
    path("performance/", include("performance.urls")),
    path("audits/", include("audits.urls")),
    path("reviews/", include("reviews.urls")),
    path("learning/", include("learning.urls")),
    # The admin signs in through the service's own sign-in (lockout and two-factor apply there).
    path("admin/login/", RedirectView.as_view(pattern_name="partnership:sign-in", query_string=True)),
    path("admin/", admin.site.urls),
]

handler400 = "merton_qa.views.bad_request"
handler403 = "merton_qa.views.permission_denied"
handler404 = "merton_qa.views.page_not_found"
handler500 = "merton_qa.views.server_error"
