"""Ship the default offence catalogue (tandem/offending/catalogue.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES

    OffenceType = apps.get_model("offending", "OffenceType")
    OffenceType.objects.bulk_create(
        [
            OffenceType(
                code=code,
                name=name,
                home_office_code=ho_code,
                display_category=str(category),
                ogrs3_group=str(group),
                gravity=gravity,
                recordable=recordable,
                drug_related=drug_related,
            )
            for code, name, ho_code, category, group, gravity, recordable, drug_related in (
                DEFAULT_OFFENCE_TYPES
            )
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("offending", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
