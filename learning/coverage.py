"""The coverage map: for each journey stage and inspection criterion, how many records of each kind are
tagged with it, across every app, so gaps ("no assurance") show at a glance.

Apps are not imported: any installed model that mixes in the kernel's `Tagged` contributes, found through
`django.apps.apps.get_models()`. Two queries per contributing model (one per tag through-table), plus
the taxonomy itself, whatever the number of records. At a past moment (a board pack), the tags are replayed
from their history (`partnership.tags`) in one query instead.
"""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from partnership.contract import PARTLY, RIGHT_PRIORITIES, Evidence, plural, section_context
from partnership.dates import ReportPeriod
from partnership.models import InspectionCriterion, JourneyStage, TagChange
from partnership.tags import tagged_models as _tagged_models
from partnership.tags import tags_at


def tagged_models() -> list:
    return sorted(_tagged_models(), key=lambda m: (m._meta.app_config.verbose_name, m._meta.verbose_name_plural))


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


def _counts_at(models, at) -> tuple[list[dict], list[dict]]:
    """Per model, {tag id: records tagged} for stages and for criteria, as the tags stood at `at`. Two queries."""
    tags = tags_at(at)
    types = ContentType.objects.get_for_models(*models)
    stage, criterion = TagChange.Kind.STAGE, TagChange.Kind.CRITERION
    return ([{t: len(ids) for t, ids in tags.get((types[m].pk, stage), {}).items()} for m in models],
            [{t: len(ids) for t, ids in tags.get((types[m].pk, criterion), {}).items()} for m in models])


def coverage(user=None, *, at=None) -> dict:
    """The map now, or as the tags stood at the moment `at`; for `user`, only the kinds of record they may learn of
    (`kind_visible_to`: serious-incident reviews are counted only for the reviews group). None: every kind."""
    models = [m for m in tagged_models() if user is None or m.kind_visible_to(user)]
    columns = [{"app": str(m._meta.app_config.verbose_name), "label": str(m._meta.verbose_name_plural).capitalize(),
                "key": m._meta.label_lower} for m in models]
    if at is None:
        stage_counts = [_counts(m, "journey_stages") for m in models]
        criterion_counts = [_counts(m, "inspection_criteria") for m in models]
    else:
        stage_counts, criterion_counts = _counts_at(models, at)

    def row(obj, counts):
        cells = [c.get(obj.pk, 0) for c in counts]
        return {"item": obj, "cells": cells, "total": sum(cells), "gap": not any(cells)}

    stages = [row(stage, stage_counts) for stage in JourneyStage.objects.all()]
    frameworks: dict = {}
    criteria = InspectionCriterion.objects.select_related("framework").order_by("framework__order", "order", "code")
    for criterion in criteria:
        frameworks.setdefault(criterion.framework, []).append(row(criterion, criterion_counts))
    groups = [{"framework": fw, "rows": rows, "gaps": sum(r["gap"] for r in rows)} for fw, rows in frameworks.items()]
    return {"columns": columns, "stages": stages, "stage_gaps": sum(r["gap"] for r in stages),
            "frameworks": groups}


def board_section(period: ReportPeriod) -> dict:
    """The coverage map in the board pack: assurance by journey stage and inspection criterion, from the tags as
    they stood at the period's moment (their history)."""
    context = {"c": coverage(at=period.as_at), "period": period}
    c = context["c"]
    context["has_data"] = bool(c["columns"]) and any(row["total"] for row in c["stages"])
    gaps = [row["item"].name for row in c["stages"] if row["gap"]]
    headlines, evidence = [], []
    if gaps and context["has_data"]:
        line = (f"No assurance activity is tagged to {plural(len(gaps), 'stage')} of the child's journey: "
                f"{', '.join(gaps)}.")
        headlines.append(line)
        evidence.append(Evidence(RIGHT_PRIORITIES, PARTLY, line))
    return section_context(context, headlines=headlines, evidence=evidence)
