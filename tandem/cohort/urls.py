from django.urls import path

from . import views

app_name = "cohort"
urlpatterns = [
    path("", views.cohort_home, name="home"),
    path("<int:area_id>/", views.cohort_area, name="area"),
    path("<int:area_id>/adopt/", views.adopt_find, name="adopt_find"),
    path("<int:area_id>/adopt/<int:person_id>/", views.adopt, name="adopt"),
    path("memberships/<int:membership_id>/end/", views.end, name="end"),
    path("memberships/<int:membership_id>/move/", views.move, name="move"),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme"),
]
