"""The diary: a person's appointments across agencies, booking, outcomes, enforcement,
attendance and the private calendar feeds."""

from django.urls import path

from .views import booking_views, diary_views, enforcement_views, feed_views, outcome_views

app_name = "appointments"

urlpatterns = [
    path("people/<int:person_id>/", diary_views.diary, name="diary"),
    path("people/<int:person_id>/book/", booking_views.book, name="book"),
    path("people/<int:person_id>/print/", diary_views.print_diary, name="print"),
    path(
        "people/<int:person_id>/enforcement/",
        diary_views.enforcement_history,
        name="enforcement_history",
    ),
    path("people/<int:person_id>/contact/", feed_views.contact, name="contact"),
    path("people/<int:person_id>/feed/", feed_views.person_feed, name="person_feed"),
    path("<int:appointment_id>/", outcome_views.appointment, name="appointment"),
    path("<int:appointment_id>/outcome/", outcome_views.outcome, name="outcome"),
    path("<int:appointment_id>/reschedule/", outcome_views.reschedule, name="reschedule"),
    path("<int:appointment_id>/cancel/", outcome_views.cancel, name="cancel"),
    path("<int:appointment_id>/join/", outcome_views.join, name="join"),
    path("<int:appointment_id>/merge/", outcome_views.merge, name="merge"),
    path("enforcement/", enforcement_views.enforcement, name="enforcement"),
    path("enforcement/<int:flag_id>/", enforcement_views.decide, name="decide"),
    path("attendance/", enforcement_views.attendance, name="attendance"),
    path("feeds/mine/", feed_views.my_feed, name="my_feed"),
    path("feeds/<str:token>.ics", feed_views.feed, name="feed"),
]
