"""Ship the default PPO criteria and the old persistent-offender rule, each as version 1."""

from django.db import migrations


def install(apps, schema_editor):
    from tandem.selection.criteria import DEFAULT_PPO, PERSISTENT_OFFENDER_RULE

    CriteriaSet = apps.get_model("selection", "CriteriaSet")
    CriteriaVersion = apps.get_model("selection", "CriteriaVersion")
    for name, description, criteria in (
        (
            "PPO criteria",
            "The partnership's locally agreed criteria: Recency, Frequency and Gravity points, "
            "the OGRS3 two-year probability, local intelligence and drug-related terms. "
            "Tandem's documented default; the partnership edits it.",
            DEFAULT_PPO,
        ),
        (
            "Persistent offender rule (2002)",
            "Aged 18 or over with six or more recordable offences in the last 12 months "
            "(Narrowing the Justice Gap, 2002), kept so areas can compare.",
            PERSISTENT_OFFENDER_RULE,
        ),
    ):
        criteria_set, _ = CriteriaSet.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        CriteriaVersion.objects.get_or_create(
            criteria_set=criteria_set,
            number=1,
            defaults={"config": criteria.to_dict(), "note": "Shipped with Tandem"},
        )


class Migration(migrations.Migration):
    dependencies = [("selection", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
