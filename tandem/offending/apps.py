from django.apps import AppConfig


class OffendingConfig(AppConfig):
    name = "tandem.offending"
    label = "offending"
    verbose_name = "Offences, sanctions and drug tests"
