"""Public pages: accessibility statement, privacy notice, cookies; and the priority pages."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from partnership import access, accessibility
from partnership.middleware import duration_text
from partnership.models import Priority


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
            "prepared": accessibility.STATEMENT_PREPARED,
            "reviewed": accessibility.STATEMENT_REVIEWED,
        }


@login_required
def priority_list(request):
    return render(request, "partnership/priority_list.html", {"priorities": Priority.objects.all()})


@login_required
def priority_detail(request, pk):
    priority = get_object_or_404(Priority, pk=pk)
    # Actions that contribute to the priority, and actions the priority itself raised (as their source).
    actions = access.visible_actions(request.user).filter(
        Q(priority=priority) | Q(pk__in=priority.actions.values("pk"))
    ).for_list()
    return render(request, "partnership/priority_detail.html", {"priority": priority, "actions": actions})
