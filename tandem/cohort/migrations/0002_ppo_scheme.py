"""Ship the PPO scheme, selecting by the partnership's PPO criteria."""

from django.db import migrations


def install(apps, schema_editor):
    Scheme = apps.get_model("cohort", "Scheme")
    CriteriaSet = apps.get_model("selection", "CriteriaSet")
    Scheme.objects.get_or_create(
        code="PPO",
        defaults={
            "name": "Prolific and other Priority Offenders",
            "description": "The partnership's PPO scheme: adoption and exit by forum decision.",
            "criteria_set": CriteriaSet.objects.filter(name="PPO criteria").first(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cohort", "0001_initial"), ("selection", "0002_default_criteria")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
