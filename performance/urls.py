"""Performance URLs: each views module declares its own patterns."""
from .views import returns, scorecard

app_name = "performance"

urlpatterns = [*scorecard.urlpatterns, *returns.urlpatterns]
