"""Public pages: accessibility statement, privacy notice, cookies. (The priority pages read every app: they are the
composition root's, `merton_qa.governance_views`.)"""
from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from partnership import accessibility
from partnership.middleware import duration_text


class PublicPage(TemplateView):
    pass


class AccessibilityStatement(PublicPage):
    """The statement quotes the session time limits from settings, so it cannot drift from what the service does."""

    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "max_hours": settings.SESSION_COOKIE_AGE // 3600,
            "warning_minutes": duration_text(settings.SESSION_TIMEOUT_WARNING),
            "warn_after_minutes": duration_text(settings.SESSION_IDLE_TIMEOUT - settings.SESSION_TIMEOUT_WARNING),
            "known_gaps": accessibility.KNOWN_GAPS,
            "pdf_documents": accessibility.PDF_DOCUMENTS,
            "accepted_findings": accessibility.ACCEPTED_AXE_FINDINGS,
            "checks": accessibility.CHECKS,
            "prepared": accessibility.STATEMENT_PREPARED,
            "reviewed": accessibility.STATEMENT_REVIEWED,
        }


urlpatterns = [
    path("accessibility/", AccessibilityStatement.as_view(), name="accessibility"),
    path("privacy/", PublicPage.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", PublicPage.as_view(template_name="pages/cookies.html"), name="cookies"),
]
