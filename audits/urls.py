"""URLs of the audits app: each views module declares its own `urlpatterns`; they are joined here."""
from .views import audit, concerns, meeting, programme, report, returns

app_name = "audits"

urlpatterns = (programme.urlpatterns + audit.urlpatterns + returns.urlpatterns + concerns.urlpatterns
               + meeting.urlpatterns + report.urlpatterns)
