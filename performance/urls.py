"""Performance URLs: each views module declares its own patterns."""
from .views import overview, returns, scorecard

app_name = "performance"

urlpatterns = [*overview.urlpatterns, *scorecard.urlpatterns, *returns.urlpatterns]
