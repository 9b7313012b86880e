"""URLs of the reviews app: each views module declares its own `urlpatterns`; they are joined here."""
app_name = "reviews"

urlpatterns = []
