"""URLs of the learning app: each views module declares its own `urlpatterns`; they are joined here."""
app_name = "learning"

urlpatterns = []
