from django.urls import path

from . import views

app_name = "offending"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/errors.csv", views.batch_errors, name="batch_errors"),
]
