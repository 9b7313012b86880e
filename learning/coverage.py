"""The coverage map: for each journey stage and inspection criterion, how many records of each kind are
tagged with it, across every app, so gaps ("no assurance") show at a glance.

Apps are not imported: any installed model that mixes in the kernel's `Tagged` contributes, found through
`django.apps.apps.get_models()`. Two queries per contributing model (one per tag through-table), plus
the taxonomy itself, whatever the number of records.
"""
from django.apps import apps
from django.db.models import Count

from partnership.models import Criterion, JourneyStage, Tagged


def tagged_models() -> list:
    found = [m for m in apps.get_models() if issubclass(m, Tagged) and not m._meta.abstract
             and not m._meta.proxy and not m.__name__.startswith("Historical")]
    return sorted(found, key=lambda m: (m._meta.app_config.verbose_name, m._meta.verbose_name_plural))


def _counts(model, field_name: str) -> dict[int, int]:
    through = model._meta.get_field(field_name).remote_field.through
    source, target = None, None
    for field in through._meta.fields:
        if getattr(field, "related_model", None) is model:
            source = field.attname
        elif field.is_relation and field.related_model is not model:
            target = field.attname
    rows = through.objects.values(target).annotate(n=Count(source, distinct=True))
    return {row[target]: row["n"] for row in rows}


def coverage(user=None) -> dict:
    """The map; for `user`, only the kinds of record they may learn of (`kind_visible_to`: serious-incident
    reviews are counted only for the reviews group). None: every kind."""
    models = [m for m in tagged_models() if user is None or m.kind_visible_to(user)]
    columns = [{"app": str(m._meta.app_config.verbose_name), "label": str(m._meta.verbose_name_plural).capitalize(),
                "key": m._meta.label_lower} for m in models]
    stage_counts = [_counts(m, "journey_stages") for m in models]
    criterion_counts = [_counts(m, "inspection_criteria") for m in models]

    def row(obj, counts):
        cells = [c.get(obj.pk, 0) for c in counts]
        return {"item": obj, "cells": cells, "total": sum(cells), "gap": not any(cells)}

    stages = [row(stage, stage_counts) for stage in JourneyStage.objects.all()]
    frameworks: dict = {}
    for criterion in Criterion.objects.select_related("framework").order_by("framework__order", "order", "code"):
        frameworks.setdefault(criterion.framework, []).append(row(criterion, criterion_counts))
    groups = [{"framework": fw, "rows": rows, "gaps": sum(r["gap"] for r in rows)} for fw, rows in frameworks.items()]
    return {"columns": columns, "stages": stages, "stage_gaps": sum(r["gap"] for r in stages),
            "frameworks": groups}


def board_section(*, start, end) -> dict:
    """The coverage map in the quarterly board report: assurance by journey stage and inspection criterion.

    The map is of the records as they are when the report is made (tags are not kept by period)."""
    context = {"c": coverage()}
    c = context["c"]
    context["has_data"] = bool(c["columns"]) and any(row["total"] for row in c["stages"])
    gaps = [row["item"].name for row in c["stages"] if row["gap"]]
    context["headlines"] = [
        f"No assurance activity is tagged to {len(gaps)} stage{'s' if len(gaps) != 1 else ''} of the child's "
        f"journey: {', '.join(gaps)}."] if gaps and context["has_data"] else []
    return context
