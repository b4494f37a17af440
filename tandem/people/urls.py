from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path("<int:person_id>/offending/", views.person_offending, name="offending"),
    path("<int:person_id>/access/", views.person_access, name="access"),
    path("<int:person_id>/engagements/", views.engagement_add, name="engagement_add"),
    path("<int:person_id>/intelligence/", views.intelligence_add, name="intelligence_add"),
    path(
        "<int:person_id>/engagements/<int:engagement_id>/end/",
        views.engagement_end,
        name="engagement_end",
    ),
]
