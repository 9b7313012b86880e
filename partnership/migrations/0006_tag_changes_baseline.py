"""A baseline in the tags' history: every tag already on a record, as put on when the record was made (or now,
for a record with no creation time), so a later period's coverage map counts the tags records already had."""
from django.db import migrations
from django.utils import timezone

FIELDS = {"journey_stages": "stage", "inspection_criteria": "criterion"}


def baseline(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    TagChange = apps.get_model("partnership", "TagChange")
    now = timezone.now()
    for model in apps.get_models():
        names = {f.name for f in model._meta.many_to_many}
        if not set(FIELDS) <= names or model.__name__.startswith("Historical"):
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label=model._meta.app_label,
                                                            model=model._meta.model_name)
        if TagChange.objects.filter(content_type=content_type).exists():
            continue
        created = dict(model.objects.values_list("pk", "created_at")) if any(
            f.name == "created_at" for f in model._meta.fields) else {}
        for field, kind in FIELDS.items():
            through = model._meta.get_field(field).remote_field.through
            source = next(f.attname for f in through._meta.fields if getattr(f, "related_model", None) is model)
            target = next(f.attname for f in through._meta.fields
                          if f.is_relation and f.related_model is not model)
            rows = [TagChange(content_type=content_type, object_id=object_id, kind=kind, tag_id=tag_id, added=True,
                              at=created.get(object_id) or now)
                    for object_id, tag_id in through.objects.values_list(source, target).order_by(source, target)]
            TagChange.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnership", "0005_tag_changes"),
        ("section11", "0001_initial"),
        ("audits", "0002_consensus_grade_history"),
        ("performance", "0001_initial"),
        ("reviews", "0001_initial"),
        ("learning", "0001_initial"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
