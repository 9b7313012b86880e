""""Remind all outstanding agencies" in one action, for any app (a Section 11 cycle, an audit, a data period):
GET shows how many agency leads will be emailed; POST emails them, through each app's one-agency reminder. And the
words of that one-agency reminder's button (`remind_one`)."""
from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from partnership.services.errors import ServiceError
from partnership.services.reminders import remind_all


def remind_all_page(request, *, outstanding, what: str, noun: str, back_url: str):
    """`outstanding`: a callable giving the `Outstanding` list (asked again on POST, inside the transaction)."""
    today = timezone.localdate()
    if request.method == "POST":
        with transaction.atomic():
            done = remind_all(outstanding(), today=today, send=True)
        if done.people:
            messages.success(request, f"A reminder has been emailed to {done.people} agency "
                                      f"lead{'' if done.people == 1 else 's'} at {done.agencies} "
                                      f"agenc{'y' if done.agencies == 1 else 'ies'}.")
        else:
            messages.info(request, "Nobody was emailed: no outstanding agency has a lead who was not already "
                                   "reminded today.")
        return redirect(back_url)
    plan = remind_all(outstanding(), today=today, send=False)
    return render(request, "partnership/remind_all.html", {"plan": plan, "what": what, "noun": noun,
                                                            "back_url": back_url})


def remind_one(request, remind: Callable[[], int], agency) -> None:
    """The one-agency reminder button: `remind()` emails the agency's leads (each at most once a day) through the
    app's service and answers how many it emailed; the message says so, or that none was due, or the refusal."""
    try:
        sent = remind()
    except ServiceError as refused:
        messages.error(request, refused.message)
        return
    name = agency.display_name
    if sent:
        messages.success(request, f"A reminder has been emailed to {name}'s agency lead{'' if sent == 1 else 's'} "
                                  f"({sent}).")
    else:
        messages.info(request, f"{name} was already reminded today, so nothing more was sent. Agency leads get "
                               "at most one reminder a day.")
