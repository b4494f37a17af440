"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem administration"

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("people/", include("tandem.people.urls")),
    path("import/", include("tandem.offending.urls")),
    path("selection/", include("tandem.selection.urls")),
    path("", include("tandem.api.urls")),
    path("forums/", include("tandem.forums.urls")),
    path("cohort/", include("tandem.cohort.urls")),
    path("casework/", include("tandem.casework.urls")),
    path("referrals/", include("tandem.referrals.urls")),
    path("appointments/", include("tandem.appointments.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "tandem.core.views.errors.bad_request"
handler403 = "tandem.core.views.errors.permission_denied"
handler404 = "tandem.core.views.errors.page_not_found"
handler500 = "tandem.core.views.errors.server_error"
