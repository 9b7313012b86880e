"""URLs of the reviews app: each views module declares its own `urlpatterns`; they are joined here."""
from .views import cases, lcspr, rapid

app_name = "reviews"

urlpatterns = [
    *cases.urlpatterns,
    *rapid.urlpatterns,
    *lcspr.urlpatterns,
]
