"""The service directory and the coordinator's referral reports (part of the referrals
namespace: included from urls.py)."""

from django.urls import path

from . import directory_views, report_views

urlpatterns = [
    path("directory/", directory_views.directory, name="directory"),
    path("directory/new/", directory_views.service_new, name="service_new"),
    path("directory/<int:service_id>/", directory_views.service_detail, name="service"),
    path("directory/<int:service_id>/edit/", directory_views.service_edit, name="service_edit"),
    path("reports/flows/", report_views.flows, name="flows"),
    path("reports/treatment/", report_views.treatment, name="treatment"),
]
