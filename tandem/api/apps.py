from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tandem.api"
    label = "api"
    verbose_name = "API and the custody-suite check"

    def ready(self) -> None:
        # Registers the OpenAPI description of the custody-system token scheme.
        from . import schema  # noqa: F401
