"""URLs of the partnership kernel: each views module declares its own `urlpatterns` beside its views (the one
convention of every app, docs/architecture.md); they are joined here, in this order."""
from .views import account, actions, auth, exports, feedback, notify, outbox, pages, retention, users

app_name = "partnership"

urlpatterns = [
    *auth.urlpatterns,  # signing in, password reset, invitations, two-factor
    *actions.urlpatterns,  # the action tracker
    *feedback.urlpatterns,  # "you said, we did"
    *account.urlpatterns,
    *users.urlpatterns,  # people
    *retention.urlpatterns,  # retention and legal holds
    *exports.urlpatterns,  # reports made in the background
    *notify.urlpatterns,  # GOV.UK Notify's delivery receipts (its bearer token, no session)
    *pages.urlpatterns,  # public pages
    *outbox.urlpatterns,  # messages waiting to be sent (business unit)
]
