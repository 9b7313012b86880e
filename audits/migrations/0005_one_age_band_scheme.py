"""One age-band scheme across the service (partnership.child_details.AgeBand): the cases' old bands moved to it.

An old band that straddles two of the new goes where most of its years are (0-2 to 1 to 5). Going back maps each
new band to the old band holding most of it; "Under 1" goes back to 0-2 and "18 to 24" to 16-17.
"""
from django.db import migrations, models

FORWARD = {"0-2": "1_5", "3-5": "1_5", "6-10": "6_10", "11-15": "11_15", "16-17": "16_17"}  # unborn stays
BACKWARD = {"under_1": "0-2", "1_5": "3-5", "6_10": "6-10", "11_15": "11-15", "16_17": "16-17", "18_24": "16-17"}


def _move(mapping):
    def move(apps, schema_editor):
        AuditCase = apps.get_model("audits", "AuditCase")
        for case in AuditCase.objects.filter(age_band__in=list(mapping)).only("pk", "age_band"):
            case.age_band = mapping[case.age_band]
            case.save(update_fields=["age_band"])  # a handful of rows; AuditCase keeps no history
    return move


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0004_set_null_keeping_history'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditcase',
            name='age_band',
            field=models.CharField(choices=[('unborn', 'Unborn'), ('under_1', 'Under 1'), ('1_5', '1 to 5'), ('6_10', '6 to 10'), ('11_15', '11 to 15'), ('16_17', '16 to 17'), ('18_24', '18 to 24 (care leaver)')], max_length=10),
        ),
        migrations.RunPython(_move(FORWARD), _move(BACKWARD)),
    ]
