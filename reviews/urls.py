"""URLs of the reviews app: each views module declares its own `urlpatterns`; they are joined here."""
from .views import cases, lcspr, rapid, refer

app_name = "reviews"

urlpatterns = [
    *cases.urlpatterns,
    *rapid.urlpatterns,
    *lcspr.urlpatterns,
    *refer.urlpatterns,
]
