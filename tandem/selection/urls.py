from django.urls import path

from . import backtest_views, capacity_views, nomination_views, views

app_name = "selection"
urlpatterns = [
    path("", views.selection_home, name="home"),
    path("ogrs3/", views.ogrs3_calculator, name="ogrs3"),
    path("runs/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/latest/", views.run_latest, name="run_latest"),
    path("nominations/", nomination_views.nominations, name="nominations"),
    path("nominate/<int:person_id>/", nomination_views.nomination_new, name="nominate"),
    path(
        "nominations/<int:nomination_id>/withdraw/",
        nomination_views.nomination_withdraw_view,
        name="nomination_withdraw",
    ),
    path("capacity/", capacity_views.capacity, name="capacity"),
    path("capacity/<int:area_id>/", capacity_views.capacity_edit, name="capacity_edit"),
    path("backtest/", backtest_views.backtest, name="backtest"),
    path("criteria/<int:set_id>/", views.criteria_detail, name="criteria"),
    path("criteria/<int:set_id>/new/", views.criteria_version_new, name="criteria_new"),
]
