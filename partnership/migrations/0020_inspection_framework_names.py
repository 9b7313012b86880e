"""The kernel's inspection frameworks and their criteria (ILACS, JTAI, Working Together, KCSIE) are named for what
they are: `Framework` and `Criterion` meant the Section 11 self-assessment's own in `section11` as well. The tables,
and the columns of every tagged record's criteria table, follow the new names."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0019_export_runs"),
    ]

    operations = [
        migrations.RenameModel("Framework", "InspectionFramework"),
        migrations.RenameModel("Criterion", "InspectionCriterion"),
        migrations.AlterModelOptions(
            name="inspectioncriterion",
            options={"ordering": ["framework__order", "order", "code"], "verbose_name_plural": "inspection criteria"},
        ),
    ]
