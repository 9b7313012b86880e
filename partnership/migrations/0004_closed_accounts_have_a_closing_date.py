"""Accounts closed before `deactivated_at` existed have no closing date, so the closed-account retention class
never reached them. Their real closing date is unknown: the clock starts now (the later date, so nothing is
anonymised earlier than the schedule allows)."""
from django.db import migrations
from django.utils import timezone


def date_old_closures(apps, schema_editor):
    User = apps.get_model("partnership", "User")
    User.objects.filter(is_active=False, deactivated_at__isnull=True).update(deactivated_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("partnership", "0003_legal_hold_and_account_closed_at")]
    operations = [migrations.RunPython(date_old_closures, migrations.RunPython.noop)]
