"""The API, its OpenAPI description, the custody check page and the health endpoint."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import pages, views

app_name = "api"
urlpatterns = [
    path("api/v1/custody-check/", views.CustodyCheckView.as_view(), name="v1_custody_check"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("custody-check/", pages.custody_check, name="custody_check"),
    path("custody-check/choose/", pages.custody_check_choose, name="custody_check_choose"),
    path("custody-check/instructions/", pages.instructions, name="instructions"),
    path(
        "custody-check/instructions/partnership/",
        pages.instruction_edit,
        name="instruction_default",
    ),
    path(
        "custody-check/instructions/area/<int:area_id>/",
        pages.instruction_edit,
        name="instruction_area",
    ),
    path("health/", views.health, name="health"),
]
