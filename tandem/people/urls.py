from django.urls import path

from . import episode_views, transfer_views, views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("transfers/<int:proposal_id>/", transfer_views.transfer, name="transfer"),
    path(
        "transfers/<int:proposal_id>/respond/",
        transfer_views.transfer_respond,
        name="transfer_respond",
    ),
    path(
        "transfers/<int:proposal_id>/resolve/",
        transfer_views.transfer_resolve,
        name="transfer_resolve",
    ),
    path("transfers/<int:proposal_id>/lead/", transfer_views.transfer_lead, name="transfer_lead"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path("<int:person_id>/offending/", views.person_offending, name="offending"),
    path("<int:person_id>/access/", views.person_access, name="access"),
    path("<int:person_id>/intelligence/", views.intelligence_add, name="intelligence_add"),
    path("<int:person_id>/episodes/", episode_views.episodes, name="episodes"),
    path(
        "<int:person_id>/episodes/add/<str:kind>/",
        episode_views.episode_add,
        name="episode_add",
    ),
    path(
        "<int:person_id>/episodes/<int:episode_id>/end/",
        episode_views.episode_end,
        name="episode_end",
    ),
    path(
        "<int:person_id>/episodes/<int:episode_id>/correct/",
        episode_views.episode_correct,
        name="episode_correct",
    ),
    path("<int:person_id>/monitoring/", episode_views.monitoring_set, name="monitoring_set"),
]
