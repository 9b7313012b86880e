"""Public pages: accessibility statement, privacy notice, cookies; and the priority pages."""
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from partnership import access
from partnership.models import Priority


class PublicPage(TemplateView):
    pass


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
