"""An indicator's page: its RAG bands in words, its trend chart with comparators, and its history, built on the
scorecard's rows (`scorecard.build_rows`) in the same fixed number of queries."""
from decimal import Decimal

from django.db.models import Max, Min, QuerySet
from django.utils.safestring import SafeString

from partnership import charts
from partnership.models import Action

from . import rules
from .models import Comparator, Indicator, Period, Polarity, Value
from .scorecard import (
    CHART_PERIODS,
    COMPARATOR_ORDER,
    Row,
    as_float,
    build_rows,
    chart_unit,
    legend,
    rag_tag,
)


def rag_bands(indicator: Indicator) -> list[tuple[rules.Rag, str]]:
    """The RAG bands in words, from the target and tolerances (tests check them against `rules.rag`)."""
    unit, target = indicator.unit, indicator.target
    if indicator.polarity == Polarity.NONE:
        return [(rules.CONTEXT, "This is a context measure: neither higher nor lower is better, so it has "
                                "no RAG rating. Its direction of travel says whether it rose or fell, not "
                                "whether that is better or worse.")]
    if target is None:
        return [(rules.NO_TARGET, "No target has been set, so figures are not rated.")]

    def f(number) -> str:
        return rules.format_value(number, unit)

    amber, red = indicator.amber_tolerance or Decimal(0), indicator.red_tolerance
    higher = indicator.polarity == Polarity.HIGHER
    sign = -1 if higher else 1
    green_edge = target + sign * amber
    tolerance = f" (the target of {f(target)}, {'less' if higher else 'plus'} a tolerance of {amber.normalize():f})" \
        if amber else ""
    bands = [(rules.GREEN, f"{f(green_edge)} or {'more' if higher else 'less'}{tolerance}")]
    if red is None:
        bands.append((rules.AMBER, "not used: there is no red tolerance"))
        bands.append((rules.RED, f"{'below' if higher else 'above'} {f(green_edge)}"))
        return bands
    red_edge = target + sign * red
    if red_edge == green_edge:
        bands.append((rules.AMBER, "not used: the amber and red tolerances are the same"))
    elif higher:
        bands.append((rules.AMBER, f"{f(red_edge)} or more, but below {f(green_edge)}"))
    else:
        bands.append((rules.AMBER, f"above {f(green_edge)}, up to {f(red_edge)}"))
    bands.append((rules.RED, f"{'below' if higher else 'above'} {f(red_edge)}"))
    return bands


def comparator_series(comparators: list[Comparator], periods: list[Period]) -> dict[str, list[float | None]]:
    """A line per comparator kind: each period takes its financial year's figure, else the latest earlier one
    (published figures lag a year or more). A kind with no figure by a period has a gap there."""
    series = {}
    for kind in COMPARATOR_ORDER:
        by_year = sorted((c.year, c) for c in comparators if c.kind == kind)
        if not by_year:
            continue
        line = []
        for period in periods:
            earlier = [c for year, c in by_year if year <= period.financial_year]
            line.append(as_float(earlier[-1].value) if earlier else None)
        if any(v is not None for v in line):
            label = Comparator.Kind(kind).label + (" (demo)" if any(c.is_demo for _, c in by_year) else "")
            series[label] = line
    return series


def trend_chart(row: Row, *, last: int = CHART_PERIODS, width: int = 640, height: int = 300,
                for_print: bool = False) -> tuple[SafeString, SafeString]:
    """A row's trend as a line chart with its target and comparators, and the chart's data table."""
    indicator = row.indicator
    periods = row.periods[-last:]
    comparators = comparator_series(row.comparators, periods)
    args = {"labels": [p.label for p in periods], "values": [as_float(v.value) if v else None
                                                             for v in row.history[-last:]],
            "target": as_float(indicator.target), "comparators": comparators, "unit": chart_unit(indicator.unit)}
    span = periods[0].label if len(periods) == 1 else f"{periods[0].label} to {periods[-1].label}"
    target = f", against a target of {row.target_text}" if indicator.target is not None else ""
    also = f", with {', '.join(comparators)} for comparison" if comparators else ""
    chart = charts.line_chart(
        title=f"{indicator.title}: trend, {span}",
        description=f"{indicator.get_frequency_display()} figures for {indicator.title}{target}{also}.",
        width=width, height=height, for_print=for_print, **args)
    table = charts.line_chart_table(title=f"{indicator.title}: the figures in the chart", **args)
    return chart, table


def indicator_detail(indicator: Indicator, *, values: QuerySet[Value], actions: QuerySet[Action]) -> dict:
    """Everything the indicator page shows: definition in words, the trend, every period, the curve."""
    bounds = values.filter(indicator=indicator).aggregate(first=Min("period__start"), last=Max("period__start"))
    periods = []
    if bounds["first"]:
        periods = list(Period.objects.filter(kind=indicator.frequency, start__gte=bounds["first"],
                                             start__lte=bounds["last"]).order_by("start"))
    [row] = build_rows([indicator], periods, values=values, actions=actions, whole_values=True)
    history = []  # newest first, one row per period that has a figure
    for i, figure in enumerate(row.history):
        if figure is not None:
            sub = Row(indicator=indicator, periods=periods[: i + 1], history=row.history[: i + 1])
            history.append(sub)
    history.reverse()
    chart, table = trend_chart(row) if periods else ("", "")
    return {
        "indicator": indicator,
        "row": row,
        "history": history,
        "chart": chart,
        "chart_table": table,
        "curves": row.curves,
        "direct_actions": [a for a in row.actions if not any(a in c.linked_actions for c in row.curves)],
        "comparators_by_year": _comparators_by_year(row.comparators, indicator.unit),
        "bands": [(rag_tag(rag), words) for rag, words in rag_bands(indicator)],
        **legend(),
    }


def _comparators_by_year(comparators: list[Comparator], unit: str) -> list[dict]:
    years = sorted({c.year for c in comparators}, reverse=True)
    rows = []
    for year in years:
        by_kind = {c.kind: c for c in comparators if c.year == year}
        rows.append({"year": year, "cells": [
            (rules.format_value(by_kind[k].value, unit), by_kind[k].is_demo) if k in by_kind else None
            for k in COMPARATOR_ORDER]})
    return rows


# --- CSV -------------------------------------------------------------------------------------------
