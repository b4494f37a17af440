from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "tandem.forums"
    label = "forums"
    verbose_name = "Shared Priority Forums: meetings, agendas, decisions, actions, minutes"
