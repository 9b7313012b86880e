"""Subgroups and meetings (included under /meetings/ by merton_qa.urls, without a namespace); the patterns are
declared beside their views (the one convention, docs/architecture.md)."""
from .views import urlpatterns  # noqa: F401
