from django.urls import path

from .views import account, actions, auth, exports, feedback, notify, outbox, pages, retention, users

app_name = "partnership"

urlpatterns = [
    # Signing in
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.sign_out, name="sign-out"),
    path("sign-in/work-account/callback/", auth.work_account_callback, name="work-account-callback"),
    path("session/keep-alive/", auth.session_keep_alive, name="session-keep-alive"),
    path("session/kept/", auth.session_kept, name="session-kept"),
    path("password-reset/", auth.password_reset_request, name="password-reset"),
    path("password-reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/done/", auth.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("invitation/<uidb64>/<token>/", auth.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("two-factor/set-up/", auth.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", auth.two_factor_verify, name="two-factor-verify"),
    # Action tracker
    path("actions/", actions.action_list, name="action-list"),
    path("actions/mine/", actions.action_list, {"mine": True}, name="my-actions"),
    path("actions/export.csv", actions.action_export_csv, name="action-export"),
    path("actions/mine/export.csv", actions.action_export_csv, {"mine": True}, name="my-action-export"),
    path("actions/new/", actions.action_create, name="action-create"),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action-edit"),
    path("actions/<int:pk>/status/", actions.action_transition, name="action-transition"),
    path("actions/<int:pk>/updates/", actions.action_add_update, name="action-add-update"),
    path("actions/<int:pk>/impact/", actions.action_impact, name="action-impact"),
    path("actions/files/<int:pk>/", actions.action_file, name="action-file"),
    path("actions/<int:pk>/due-date/", actions.action_due_date_request, name="action-due-date-request"),
    path("actions/<int:pk>/due-date/decide/", actions.action_due_date_decide, name="action-due-date-decide"),
    path("feedback/", feedback.feedback_list, name="feedback-list"),
    path("feedback/new/", feedback.feedback_create, name="feedback-create"),
    path("feedback/<int:pk>/", feedback.feedback_edit, name="feedback-edit"),
    # Your account
    path("account/", account.account, name="account"),
    # People
    path("people/", users.user_list, name="user-list"),
    path("people/invite/", users.user_invite, name="user-invite"),
    path("people/<int:pk>/", users.user_detail, name="user-detail"),
    path("people/<int:pk>/reinvite/", users.user_reinvite, name="user-reinvite"),
    path("people/<int:pk>/close/", users.user_deactivate, name="user-deactivate"),
    # Retention and legal holds
    path("retention/", retention.retention_overview, name="retention"),
    path("retention/holds/<int:pk>/release/", retention.legal_hold_release, name="legal-hold-release"),
    # Reports generated in the background
    path("reports/", exports.export_list, name="export-list"),
    path("reports/request/", exports.export_create, name="export-create"),
    path("reports/<int:pk>/", exports.export_detail, name="export-detail"),
    path("reports/<int:pk>/download/", exports.export_download, name="export-download"),
    # GOV.UK Notify's delivery receipts (its bearer token, no session)
    path("notify/callback/", notify.notify_callback, name="notify-callback"),
    # Public pages
    path("accessibility/", pages.AccessibilityStatement.as_view(), name="accessibility"),
    path("privacy/", pages.PublicPage.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", pages.PublicPage.as_view(template_name="pages/cookies.html"), name="cookies"),
    # Messages waiting to be sent (business unit)
    *outbox.urlpatterns,
]
