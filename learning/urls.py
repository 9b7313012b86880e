"""URLs of the learning app: each views module declares its own `urlpatterns`; they are joined here."""
from .views import impact, offer, public

app_name = "learning"

urlpatterns = [
    *offer.urlpatterns,
    *impact.urlpatterns,
    *public.urlpatterns,
]
