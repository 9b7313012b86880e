"""Some writes used to skip django-simple-history (QuerySet.update, bulk_create), so some rows of tracked models
have no history row and are missing from the board pack "as at" any past date. Give each such row a "+" baseline
history row of its current values, dated when the row was created (now for models without `created_at`: the
true date is unknown). Works on the migration state's models, so on SQLite and PostgreSQL alike."""
from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

BATCH = 500


def history_model_of(apps, model):
    """The Historical<Model> simple-history keeps for `model` in this migration state, or None."""
    try:
        return apps.get_model(model._meta.app_label, f"Historical{model._meta.object_name}")
    except LookupError:
        return None


def baseline_batches(model, history, now):
    """Lists of unsaved history rows for the rows of `model` that have none, BATCH at a time (no cursor held open
    while they are written)."""
    pk = model._meta.pk.attname
    model_fields = {f.attname for f in model._meta.concrete_fields}
    fields = [f.attname for f in history._meta.concrete_fields if f.attname in model_fields]
    missing = model._default_manager.filter(~Exists(history.objects.filter(**{pk: OuterRef("pk")}))).order_by("pk")
    last = None
    while True:
        page = list((missing if last is None else missing.filter(pk__gt=last)).values(*fields)[:BATCH])
        if not page:
            return
        last = page[-1][pk]
        yield [history(**values, history_date=values.get("created_at") or now, history_type="+",
                       history_user_id=None) for values in page]


def add_history_baselines(apps, schema_editor):
    now = timezone.now()
    for model in apps.get_models():
        history = history_model_of(apps, model)
        if history is not None:
            for batch in baseline_batches(model, history, now):
                history.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0007_board_packs"),
        ("audits", "0002_consensus_grade_history"),
        ("learning", "0001_initial"),
        ("performance", "0001_initial"),
        ("reviews", "0001_initial"),
        ("section11", "0002_senior_officer_without_account_and_sign_off_links"),
    ]
    operations = [migrations.RunPython(add_history_baselines, migrations.RunPython.noop)]
