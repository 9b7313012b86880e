"""The tags' history: every journey stage and criterion put on or taken off a tagged record, and the tags as they
stood at a moment.

`track()` (called once when the kernel app is ready) connects signals on every model that mixes in `Tagged`:
adding, removing or clearing tags, and deleting a tagged record, each writes `TagChange` rows in the same
transaction. `tags_at(moment)` replays them, in one query, into the tags each record had then.
"""
import datetime
from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, pre_delete
from django.utils import timezone

from .history import dated_moment
from .models import TagChange, Tagged
from .request_memo import once_per_request

FIELDS = {"journey_stages": TagChange.Kind.STAGE, "inspection_criteria": TagChange.Kind.CRITERION}


def tagged_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, Tagged) and not m._meta.abstract
            and not m._meta.proxy and not m.__name__.startswith("Historical")]


def _record(instance, kind: str, tag_ids, *, added: bool, at: datetime.datetime | None = None) -> None:
    if not tag_ids:
        return
    content_type = ContentType.objects.get_for_model(type(instance))
    at = at or dated_moment() or getattr(instance, "_history_date", None) or timezone.now()
    TagChange.objects.bulk_create([TagChange(content_type=content_type, object_id=instance.pk, kind=kind,
                                             tag_id=tag_id, added=added, at=at) for tag_id in sorted(tag_ids)])


def _on_change(kind: str):
    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if reverse:  # changed from the tag's side (stage.x_set.add): not how the service tags records
            return
        if action == "post_add":
            _record(instance, kind, pk_set, added=True)
        elif action == "post_remove":
            _record(instance, kind, pk_set, added=False)
        elif action == "pre_clear":
            field = next(name for name, k in FIELDS.items() if k == kind)
            _record(instance, kind, list(getattr(instance, field).values_list("pk", flat=True)), added=False)
    return handler


def _on_delete(sender, instance, **kwargs):
    for field, kind in FIELDS.items():
        _record(instance, kind, list(getattr(instance, field).values_list("pk", flat=True)), added=False)


def track() -> None:
    """Connect the signals on every tagged model (idempotent: each has its dispatch uid)."""
    for model in tagged_models():
        for field, kind in FIELDS.items():
            through = model._meta.get_field(field).remote_field.through
            m2m_changed.connect(_on_change(kind), sender=through, weak=False,
                                dispatch_uid=f"tag-history:{model._meta.label_lower}:{field}")
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"tag-history-delete:{model._meta.label_lower}")


def tags_at(moment: datetime.datetime) -> dict[tuple[int, str], dict[int, set[int]]]:
    """{(content type id, kind): {tag id: {record ids}}} as the tags stood at `moment`. One query, once per page
    (the yearly report and the coverage map): read it, never change it."""
    return once_per_request(("tags_at", moment), lambda: _tags_at(moment))


def _tags_at(moment: datetime.datetime) -> dict[tuple[int, str], dict[int, set[int]]]:
    changes = TagChange.objects.filter(at__lte=moment).order_by("at", "pk").values_list(
        "content_type_id", "kind", "tag_id", "object_id", "added")
    return _replay(changes.iterator(chunk_size=5000))


def _replay(changes) -> dict[tuple[int, str], dict[int, set[int]]]:
    """The tags as the changes (content type, kind, tag, record, added), in the order made, leave them."""
    present: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    for content_type_id, kind, tag_id, object_id, added in changes:
        records = present[(content_type_id, kind, tag_id)]
        if added:
            records.add(object_id)
        else:
            records.discard(object_id)
    result: dict[tuple[int, str], dict[int, set[int]]] = defaultdict(dict)
    for (content_type_id, kind, tag_id), records in present.items():
        if records:
            result[(content_type_id, kind)][tag_id] = records
    return result


def _stages_at(moment: datetime.datetime, stage_ids: tuple[int, ...]) -> dict[tuple[int, str], dict[int, set[int]]]:
    """`tags_at(moment)` for these journey stages only: their changes, few, in one plain query (no cursor: the
    whole history of every tag, read in chunks, cost the priority pages three round trips)."""
    return once_per_request(("stages_at", moment, stage_ids), lambda: _replay(
        TagChange.objects.filter(kind=TagChange.Kind.STAGE, tag_id__in=stage_ids, at__lte=moment)
        .order_by("at", "pk").values_list("content_type_id", "kind", "tag_id", "object_id", "added")))


def tagged_for_priorities(model, priorities, moment: datetime.datetime) -> dict[int, set[int]]:
    """{priority id: ids of `model`'s records tagged, at `moment`, with one of the priority's journey stages}
    (`Priority.journey_stages`). Two queries, whatever the number of priorities and records."""
    from .models import Priority

    ids = tuple(p.pk for p in priorities)
    stages: dict[int, set[int]] = defaultdict(set)
    for priority_id, stage_id in once_per_request(("priority_stages", ids), lambda: list(
            Priority.journey_stages.through.objects.filter(priority_id__in=ids)
            .values_list("priority_id", "journeystage_id"))):
        stages[priority_id].add(stage_id)
    if not stages:
        return {p.pk: set() for p in priorities}
    by_stage = _stages_at(moment, tuple(sorted(set().union(*stages.values())))).get(
        (ContentType.objects.get_for_model(model).pk, TagChange.Kind.STAGE), {})
    return {p.pk: set().union(*(by_stage.get(stage, set()) for stage in stages[p.pk])) for p in priorities}
