from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import agency_views, governance_views, report_views, views, yearly_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("reports/board/", report_views.board_reports, name="board-reports"),
    path("reports/board/packs/<int:pk>/", report_views.board_pack, name="board-pack"),
    path("reports/board/packs/<int:pk>/pdf/", report_views.board_pack_download, name="board-pack-download"),
    path("reports/board/packs/<int:pk>/<slug:step>/", report_views.board_pack_step, name="board-pack-step"),
    path("reports/yearly/", yearly_views.yearly_report_list, name="yearly-reports"),
    path("reports/yearly/<int:pk>/", yearly_views.yearly_report_detail, name="yearly-report"),
    path("reports/yearly/<int:pk>/approve/", yearly_views.yearly_report_approve, name="yearly-report-approve"),
    path("reports/yearly/<int:pk>/publication/", yearly_views.yearly_report_publication,
         name="yearly-report-publication"),
    path("reports/yearly/<int:pk>/pdf/", yearly_views.yearly_report_download, name="yearly-report-download"),
    path("reports/yearly/<int:pk>/<slug:step>/", yearly_views.yearly_report_step, name="yearly-report-step"),
    path("agencies/", agency_views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", agency_views.agency_profile, name="agency-profile"),
    path("agencies/<int:pk>/escalate/", agency_views.escalation_create, name="escalation-create"),
    path("escalations/<int:pk>/", agency_views.escalation_detail, name="escalation-detail"),
    path("escalations/<int:pk>/letter.pdf", agency_views.escalation_letter, name="escalation-letter"),
    path("escalations/<int:pk>/response/", agency_views.escalation_response, name="escalation-response"),
    path("escalations/<int:pk>/next-stage/", agency_views.escalation_escalate, name="escalation-escalate"),
    path("escalations/<int:pk>/close/", agency_views.escalation_close, name="escalation-close"),
    path("reminders/sent/", report_views.sent_reminders, name="sent-reminders"),
    path("reminders/sent/<int:pk>/", report_views.sent_reminder_detail, name="sent-reminder-detail"),
    path("reminders/send-now/", report_views.send_reminders_now, name="send-reminders-now"),
    path("priorities/", governance_views.priority_list, name="priority-list"),
    path("priorities/<int:pk>/", governance_views.priority_detail, name="priority-detail"),
    path("duties/", governance_views.duty_register, name="duties"),
    path("meetings/", include("merton_qa.meetings.urls")),
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
