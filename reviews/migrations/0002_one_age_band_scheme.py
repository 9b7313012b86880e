"""The notified children's details as the service's standard categories (partnership.child_details): the age
band moved to the one scheme across the service, and the sex, ethnicity and disability typed before as free text
moved to choices. Done for the records and for their history, so a past period reads the same words.

Age bands: 1_4 to 1 to 5, 5_9 to 6 to 10, 10_15 to 11 to 15 (where most of each band's years are); the others stay.
Text: matched to a choice's value or label, ignoring case ("Male", "Mixed: White and Black African"); anything
else, or nothing, becomes "Not known", and the text it was is written to the migration's output so the business
unit can set it again. Going back keeps the choices' labels as text.
"""
from django.db import migrations, models

from partnership.child_details import ETHNICITY_CHOICES, Disability, Sex, choice_from_text

AGE_FORWARD = {"1_4": "1_5", "5_9": "6_10", "10_15": "11_15"}
AGE_BACKWARD = {"1_5": "1_4", "6_10": "5_9", "11_15": "10_15"}
TEXT_FIELDS = {"sex": Sex.choices, "ethnicity": ETHNICITY_CHOICES, "disability": Disability.choices}


def forward(apps, schema_editor):
    for name in ("NotifiedChild", "HistoricalNotifiedChild"):
        model = apps.get_model("reviews", name)
        for row in model.objects.all():
            row.age_band = AGE_FORWARD.get(row.age_band, row.age_band)
            for field, choices in TEXT_FIELDS.items():
                typed = getattr(row, field)
                chosen = choice_from_text(typed, choices)
                if typed.strip() and chosen == "not_known" and typed.strip().casefold() not in ("not known", "unknown"):
                    print(f"\n  reviews: notified child {row.pk} ({name}): {field} {typed!r} is now Not known")
                setattr(row, field, chosen)
            row.save(update_fields=["age_band", *TEXT_FIELDS])  # the history rows are corrected, not added to


def backward(apps, schema_editor):
    for name in ("NotifiedChild", "HistoricalNotifiedChild"):
        model = apps.get_model("reviews", name)
        for row in model.objects.all():
            row.age_band = AGE_BACKWARD.get(row.age_band, row.age_band)
            for field, choices in TEXT_FIELDS.items():
                setattr(row, field, dict(choices).get(getattr(row, field), getattr(row, field)))
            row.save(update_fields=["age_band", *TEXT_FIELDS])


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalnotifiedchild',
            name='age_band',
            field=models.CharField(choices=[('unborn', 'Unborn'), ('under_1', 'Under 1'), ('1_5', '1 to 5'), ('6_10', '6 to 10'), ('11_15', '11 to 15'), ('16_17', '16 to 17'), ('18_24', '18 to 24 (care leaver)')], max_length=10),
        ),
        migrations.AlterField(
            model_name='historicalnotifiedchild',
            name='disability',
            field=models.CharField(choices=[('limited_a_lot', 'Disabled: day-to-day activities limited a lot'), ('limited_a_little', 'Disabled: day-to-day activities limited a little'), ('not_disabled', 'Not disabled'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], default='not_known', max_length=120),
        ),
        migrations.AlterField(
            model_name='historicalnotifiedchild',
            name='ethnicity',
            field=models.CharField(choices=[('asian_bangladeshi', 'Asian or Asian British: Bangladeshi'), ('asian_chinese', 'Asian or Asian British: Chinese'), ('asian_indian', 'Asian or Asian British: Indian'), ('asian_pakistani', 'Asian or Asian British: Pakistani'), ('asian_other', 'Asian or Asian British: Any other Asian background'), ('black_african', 'Black, Black British, Caribbean or African: African'), ('black_caribbean', 'Black, Black British, Caribbean or African: Caribbean'), ('black_other', 'Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background'), ('mixed_white_asian', 'Mixed or multiple ethnic groups: White and Asian'), ('mixed_white_black_african', 'Mixed or multiple ethnic groups: White and Black African'), ('mixed_white_black_caribbean', 'Mixed or multiple ethnic groups: White and Black Caribbean'), ('mixed_other', 'Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background'), ('white_british', 'White: English, Welsh, Scottish, Northern Irish or British'), ('white_irish', 'White: Irish'), ('white_gypsy_traveller', 'White: Gypsy or Irish Traveller'), ('white_roma', 'White: Roma'), ('white_other', 'White: Any other White background'), ('other_arab', 'Other ethnic group: Arab'), ('other_any', 'Other ethnic group: Any other ethnic group'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], default='not_known', max_length=80),
        ),
        migrations.AlterField(
            model_name='historicalnotifiedchild',
            name='sex',
            field=models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], max_length=30),
        ),
        migrations.AlterField(
            model_name='notifiedchild',
            name='age_band',
            field=models.CharField(choices=[('unborn', 'Unborn'), ('under_1', 'Under 1'), ('1_5', '1 to 5'), ('6_10', '6 to 10'), ('11_15', '11 to 15'), ('16_17', '16 to 17'), ('18_24', '18 to 24 (care leaver)')], max_length=10),
        ),
        migrations.AlterField(
            model_name='notifiedchild',
            name='disability',
            field=models.CharField(choices=[('limited_a_lot', 'Disabled: day-to-day activities limited a lot'), ('limited_a_little', 'Disabled: day-to-day activities limited a little'), ('not_disabled', 'Not disabled'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], default='not_known', max_length=120),
        ),
        migrations.AlterField(
            model_name='notifiedchild',
            name='ethnicity',
            field=models.CharField(choices=[('asian_bangladeshi', 'Asian or Asian British: Bangladeshi'), ('asian_chinese', 'Asian or Asian British: Chinese'), ('asian_indian', 'Asian or Asian British: Indian'), ('asian_pakistani', 'Asian or Asian British: Pakistani'), ('asian_other', 'Asian or Asian British: Any other Asian background'), ('black_african', 'Black, Black British, Caribbean or African: African'), ('black_caribbean', 'Black, Black British, Caribbean or African: Caribbean'), ('black_other', 'Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background'), ('mixed_white_asian', 'Mixed or multiple ethnic groups: White and Asian'), ('mixed_white_black_african', 'Mixed or multiple ethnic groups: White and Black African'), ('mixed_white_black_caribbean', 'Mixed or multiple ethnic groups: White and Black Caribbean'), ('mixed_other', 'Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background'), ('white_british', 'White: English, Welsh, Scottish, Northern Irish or British'), ('white_irish', 'White: Irish'), ('white_gypsy_traveller', 'White: Gypsy or Irish Traveller'), ('white_roma', 'White: Roma'), ('white_other', 'White: Any other White background'), ('other_arab', 'Other ethnic group: Arab'), ('other_any', 'Other ethnic group: Any other ethnic group'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], default='not_known', max_length=80),
        ),
        migrations.AlterField(
            model_name='notifiedchild',
            name='sex',
            field=models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('not_known', 'Not known'), ('prefer_not', 'Prefer not to say')], max_length=30),
        ),
        migrations.RunPython(forward, backward),
    ]
