from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "tandem.cohort"
    label = "cohort"
    verbose_name = "Cohort: schemes and dated membership"
