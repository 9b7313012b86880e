"""The business unit's outbox page: messages waiting to be sent, with a button to send each again."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership import access
from partnership.models import OutboxMessage
from partnership.services import outbox
from partnership.services.errors import ServiceError

from .mixins import button_view, paginate

TASK_WORDS = {"partnership.deliver_email": "Email", "partnership.run_export": "Report",
              "merton_qa.send_digests": "Daily reminders"}


@login_required
def outbox_list(request):
    access.require(access.is_business_unit(request.user))
    page = paginate(request, outbox.stuck())
    for row in page.object_list:
        row.what = TASK_WORDS.get(row.task, row.task)
    return render(request, "partnership/outbox.html", {"page": page})


@button_view("a button: nothing typed")
def outbox_requeue(request, pk):
    access.require(access.is_business_unit(request.user))
    get_object_or_404(OutboxMessage, pk=pk)
    try:
        row = outbox.requeue(by=request.user, message_id=pk)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        row.refresh_from_db()
        messages.success(request, outbox.queued_words(
            row.status == OutboxMessage.Status.PENDING and row.attempts > 0,
            "It has been handed to the background service again.", "The message"))
    return redirect("partnership:outbox")


urlpatterns = [
    path("outbox/", outbox_list, name="outbox"),
    path("outbox/<int:pk>/send-again/", outbox_requeue, name="outbox-requeue"),
]
