from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "tandem.casework"
    label = "casework"
    verbose_name = "Casework: who manages each person"
