from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "tandem.selection"
    label = "selection"
    verbose_name = "Selection: criteria, scoring and the OGRS3 calculator"
