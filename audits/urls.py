"""URLs of the audits app: each views module declares its own `urlpatterns`; they are joined here."""
app_name = "audits"

urlpatterns = []
