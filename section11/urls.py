"""Section 11 URLs: each views module declares its own patterns (cycles, returns, moderation, ...)."""
from .views import analysis, cycles, moderation, returns, transfer

app_name = "section11"

urlpatterns = [
    *cycles.urlpatterns,
    *returns.urlpatterns,
    *moderation.urlpatterns,
    *analysis.urlpatterns,
    *transfer.urlpatterns,
]
