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
from django.db import connection
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


def _stage_changes(moment: datetime.datetime, priority_ids: tuple[int, ...]):
    """Every journey-stage change up to `moment` on a stage of these priorities, with the priority: one plain query
    (no cursor: the whole history of every tag, read in chunks, cost the priority pages three round trips), the
    priorities' stages joined in it (a query of their own was one more round trip). A stage two of the priorities
    share comes back once for each: replaying a change twice in a row leaves the tags as once."""
    from .models import Priority

    through, changes, q = Priority.journey_stages.through._meta, TagChange._meta, connection.ops.quote_name
    column = {name: f"c.{q(changes.get_field(name).column)}"
              for name in ("content_type", "kind", "tag_id", "object_id", "added", "at", "id")}
    # The names come from the models' own metadata (never from input) and are quoted; the values are parameters.
    sql = (f"SELECT p.{q(through.get_field('priority').column)}, {column['content_type']}, {column['kind']}, "
           f"{column['tag_id']}, {column['object_id']}, {column['added']} "
           f"FROM {q(changes.db_table)} c INNER JOIN {q(through.db_table)} p "
           f"ON p.{q(through.get_field('journeystage').column)} = {column['tag_id']} "
           f"WHERE p.{q(through.get_field('priority').column)} IN ({', '.join(['%s'] * len(priority_ids))}) "
           f"AND {column['kind']} = %s AND {column['at']} <= %s ORDER BY {column['at']}, {column['id']}")  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*priority_ids, TagChange.Kind.STAGE, connection.ops.adapt_datetimefield_value(moment)])
        return cursor.fetchall()


def _priority_stages_at(moment: datetime.datetime, priority_ids: tuple[int, ...]):
    """({priority id: its stages with a change}, `tags_at(moment)` for those stages). Once per page."""
    def compute():
        rows = _stage_changes(moment, priority_ids) if priority_ids else []
        stages: dict[int, set[int]] = defaultdict(set)
        for priority_id, _, _, stage_id, _, _ in rows:
            stages[priority_id].add(stage_id)
        return stages, _replay(row[1:] for row in rows)
    return once_per_request(("priority_stages_at", moment, priority_ids), compute)


def tagged_for_priorities(model, priorities, moment: datetime.datetime) -> dict[int, set[int]]:
    """{priority id: ids of `model`'s records tagged, at `moment`, with one of the priority's journey stages}
    (`Priority.journey_stages`). One query, whatever the number of priorities and records (a stage never tagged
    tags nothing, so the stages read with their changes are all that count)."""
    stages, tagged = _priority_stages_at(moment, tuple(p.pk for p in priorities))
    by_stage = tagged.get((ContentType.objects.get_for_model(model).pk, TagChange.Kind.STAGE), {})
    return {p.pk: set().union(*(by_stage.get(stage, set()) for stage in stages.get(p.pk, ()))) for p in priorities}
