from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0018_identity_providers'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportexport',
            name='runs',
            field=models.PositiveSmallIntegerField(default=0, help_text='Runs started to make it (a run that died is taken over by another).'),
        ),
    ]
