"""Referral pages: the form and its preview, a referral's own page with the steps each side
may take, the partner inbox and the referrer's list; the directory and the coordinator's
reports come from directory_urls."""

from django.urls import include, path

from . import form_views, list_views, referral_views

app_name = "referrals"

urlpatterns = [
    path("", list_views.inbox, name="inbox"),
    path("sent/", list_views.sent, name="sent"),
    path("people/<int:person_id>/new/", form_views.new, name="new"),
    path("<int:referral_id>/", referral_views.detail, name="detail"),
    path("<int:referral_id>/edit/", form_views.edit, name="edit"),
    path("<int:referral_id>/preview/", form_views.preview, name="preview"),
    path("<int:referral_id>/steps/<str:step>/", referral_views.step, name="step"),
    path("<int:referral_id>/progress/", referral_views.progress, name="progress"),
    path("<int:referral_id>/outcome/", referral_views.outcome, name="outcome"),
    path("<int:referral_id>/delete/", form_views.delete, name="delete"),
    path("", include("tandem.referrals.directory_urls")),
]
