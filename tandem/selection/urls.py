from django.urls import path

from . import views

app_name = "selection"
urlpatterns = [
    path("", views.selection_home, name="home"),
    path("ogrs3/", views.ogrs3_calculator, name="ogrs3"),
    path("runs/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("criteria/<int:set_id>/", views.criteria_detail, name="criteria"),
    path("criteria/<int:set_id>/new/", views.criteria_version_new, name="criteria_new"),
]
