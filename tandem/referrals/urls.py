"""Referral pages: the form and its preview, a referral's own page with the steps each side
may take, the partner inbox and the referrer's list; the directory and the coordinator's
reports come from directory_urls."""

from django.urls import include, path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("people/<int:person_id>/new/", views.new, name="new"),
    path("<int:referral_id>/", views.detail, name="detail"),
    path("<int:referral_id>/edit/", views.edit, name="edit"),
    path("<int:referral_id>/preview/", views.preview, name="preview"),
    path("<int:referral_id>/steps/<str:step>/", views.step, name="step"),
    path("<int:referral_id>/progress/", views.progress, name="progress"),
    path("<int:referral_id>/outcome/", views.outcome, name="outcome"),
    path("<int:referral_id>/delete/", views.delete, name="delete"),
    path("", include("tandem.referrals.directory_urls")),
]
