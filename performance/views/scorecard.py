"""Built with the performance issue."""
urlpatterns = []
