"""The performance framework's reads: what the data return pages, the indicator list, the scorecard's pages, the
home panel, the digest and the agenda show, each named once with the select_related/annotations its readers need
(docs/architecture.md, "Where reads live")."""
import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from partnership.compiled import compiled_list
from partnership.models import Agency, JourneyStage, Priority, ReminderLog
from partnership.request_memo import once_per_request

from .models import DataReturn, Indicator, Period, TurnTheCurve, Value
from .services.periods import collection_status

CALENDAR_BACK = datetime.timedelta(days=92)  # periods that ended up to a quarter ago are still being collected
CALENDAR_AHEAD = datetime.timedelta(days=100)


def indicators_active():
    return Indicator.objects.filter(active=True)


def indicators_listed():
    """The active indicators with their owner and priority, in the dataset's order."""
    return indicators_active().select_related("owner_agency", "priority").order_by("order", "code")


def indicators_retired():
    """(code, title) of every indicator no longer reported, by title."""
    return Indicator.objects.filter(active=False).order_by("title").values_list("code", "title")


def indicator_for_page():
    return Indicator.objects.select_related("owner_agency", "data_lead", "priority")


def reporting_periods():
    """The periods of every frequency an active indicator is reported at, latest first."""
    return Period.objects.filter(kind__in=indicators_active().values("frequency")).order_by("-start", "kind")


def period_of(indicator, pk):
    """The period `pk` if it is of `indicator`'s frequency, else None."""
    return Period.objects.filter(kind=indicator.frequency, pk=pk).first()


def period_to_chase(periods) -> Period | None:
    """Of `periods`: the latest with returns still to chase or validate, else the one that ended last, else the
    one under way."""
    waiting = DataReturn.objects.exclude(status=DataReturn.Status.VALIDATED).values("period_id")
    ended = periods.filter(end__lt=timezone.localdate())
    return ended.filter(pk__in=waiting).first() or ended.first() or periods.order_by("start").first()


def data_calendar(today: datetime.date) -> list[dict]:
    """What is due when: recent and coming periods with their returns' due date, progress and status (the one
    rule: `services.periods.collection_status`). Two queries."""
    outstanding = DataReturn.objects.filter(status__in=DataReturn.EDITABLE).values("period_id")
    window = Q(end__gte=today - CALENDAR_BACK, start__lte=today + CALENDAR_AHEAD)
    periods = (Period.objects.filter(kind__in=indicators_active().values("frequency"))
               .filter(window | Q(pk__in=outstanding))
               .annotate(**collection_counts("data_returns__"))
               .order_by("end", "kind"))
    agencies = dict(indicators_active().values("frequency")
                    .annotate(n=Count("owner_agency", distinct=True)).values_list("frequency", "n"))
    rows = []
    for period in periods[:12]:
        status = collection_status(period, today, opened=period.opened, waiting=period.waiting,
                                   validated=period.validated, due=period.due)
        rows.append({"period": period, "agencies": agencies.get(period.kind, 0), "status": status,
                     "choosable": period.opened or period.start <= today})
    return rows


def with_entered(returns):
    """Data returns annotated with `entered`, the figures given so far."""
    return returns.annotate(entered=Count("values", filter=Q(values__value__isnull=False)))


def period_returns(period):
    """A period's data returns with their agency, by agency (the list reads one page of them: `period_summary`
    counts them all, `entered_counts` is for the page's only)."""
    return DataReturn.objects.filter(period=period).select_related("agency").order_by("agency__name", "pk")


def period_summary(period) -> dict:
    """How a period's data returns stand, counted by the database rather than read row by row: how many were
    opened, are waiting for their agency (editable) and are validated, and the earliest due date (None when none
    was opened), what `services.periods.collection_status` judges. One query."""
    return DataReturn.objects.filter(period=period).aggregate(**collection_counts())


def collection_counts(path: str = "") -> dict:
    """The figures `services.periods.collection_status` judges a period's collection by, as the database counts
    them: the returns opened, waiting for their agency (editable) and validated, and the earliest due date. `path`
    reaches the data returns from the rows counted ("data_returns__" from a period). The one spelling, for a period's
    list and the data calendar."""
    return {"opened": Count(f"{path}pk"),
            "waiting": Count(f"{path}pk", filter=Q(**{f"{path}status__in": DataReturn.EDITABLE})),
            "validated": Count(f"{path}pk", filter=Q(**{f"{path}status": DataReturn.Status.VALIDATED})),
            "due": Min(f"{path}due_date")}


def entered_counts(return_ids) -> dict:
    """{data return id: how many figures it has entered}, for these returns."""
    return dict(Value.objects.filter(data_return__in=return_ids, value__isnull=False).order_by()
                .values("data_return").annotate(n=Count("pk")).values_list("data_return", "n"))


def agencies_reporting(period) -> dict:
    """{agency id: (how many active indicators it reports at the period's frequency, whether it has a data return for
    the period)}, for every agency reporting one: what a period's list shows as each return's figures expected, and
    whose returns are still to open. One query."""
    asked = DataReturn.objects.filter(period=period, agency_id=OuterRef("owner_agency_id"))
    return {agency_id: (n, has_return) for agency_id, n, has_return in indicators_active().filter(
        frequency=period.kind).values("owner_agency_id").annotate(n=Count("pk"), has_return=Exists(asked))
        .values_list("owner_agency_id", "n", "has_return")}


def expected_by_agency_and_kind(agency_ids) -> dict:
    """{(agency id, frequency): how many active indicators it reports at that frequency}, for `agency_ids`."""
    return {(row["owner_agency_id"], row["frequency"]): row["n"] for row in indicators_active().filter(
        owner_agency_id__in=agency_ids).values("owner_agency_id", "frequency").annotate(n=Count("pk"))}


def reminders_sent(keys):
    """The reminders sent about the items `keys`, with who was reminded, oldest first."""
    return ReminderLog.objects.filter(item__in=keys).select_related("person").order_by("sent_at", "pk")


def agencies_by_name(pks):
    return Agency.objects.filter(pk__in=pks).order_by("name")


def periods_coming(agency_id, today, limit=4):
    """The periods still to end that the agency reports for and has no return in yet, soonest first."""
    kinds = indicators_active().filter(owner_agency_id=agency_id).values("frequency")
    return (Period.objects.filter(kind__in=kinds, end__gte=today)
            .exclude(data_returns__agency_id=agency_id).order_by("end", "kind")[:limit])


def return_values(data_return) -> dict:
    """{indicator id: its figure in `data_return`}, with who entered it."""
    return {v.indicator_id: v for v in Value.objects.filter(data_return=data_return).select_related("entered_by")}


def figure(indicator, period):
    """The figure of `indicator` for `period`, or None."""
    return Value.objects.filter(indicator=indicator, period=period).first()


def curve_records(indicator):
    return TurnTheCurve.objects.filter(indicator=indicator)


def curve_as_saved(record):
    return TurnTheCurve.objects.select_related("updated_by").get(pk=record.pk)


def scorecard_filter_choices() -> dict:
    """The scorecard filters' choices: (pk, name) of every priority, journey stage and agency with indicators."""
    return {
        "priorities": Priority.objects.values_list("pk", "title"),
        "stages": JourneyStage.objects.values_list("pk", "name"),
        "agencies": Agency.objects.filter(indicators__active=True).distinct().order_by("name")
        .values_list("pk", "name"),
    }


def agency_returns_to_do(agency_id):
    """An agency's data returns still to enter or answer, with their period, soonest due first (the digest)."""
    return (DataReturn.objects.filter(agency_id=agency_id, status__in=DataReturn.EDITABLE)
            .select_related("period").order_by("due_date"))


def returns_by_period(today) -> list[dict]:
    """Each period's data returns (`period_id`, `period__label`, `period__start`), earliest first: in all (`total`),
    to validate (`waiting`), still to come in (`outstanding`) and of those past due (`late`). One query, read once per
    page: the business unit's home page shows the periods to chase and counts the late returns for the next
    meeting's agenda (`performance.agenda`)."""
    return once_per_request(("performance.returns_by_period", today),
                            lambda: compiled_list(_returns_by_period, (), (today,)))


def _returns_by_period(today):
    editable = Q(status__in=DataReturn.EDITABLE)
    return DataReturn.objects.values("period_id", "period__label", "period__start").annotate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=DataReturn.Status.SUBMITTED)),
        outstanding=Count("pk", filter=editable),
        late=Count("pk", filter=editable & Q(due_date__lt=today)),
    ).order_by("period__start", "period_id")


def periods_to_chase(limit=4) -> list[dict]:
    """The latest periods with returns to validate (`waiting`) or still to come in (`outstanding`), of `total`."""
    return [row for row in reversed(returns_by_period(timezone.localdate()))
            if row["waiting"] or row["outstanding"]][:limit]


def late_returns_by_period(today) -> list[dict]:
    """How many data returns are past due and not in, per period (`period_id`, `period__label`, `count`)."""
    return [{"period_id": row["period_id"], "period__label": row["period__label"], "count": row["late"]}
            for row in returns_by_period(today) if row["late"]]
