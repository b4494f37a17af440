from django.urls import path

from . import views

app_name = "forums"
urlpatterns = [
    path("", views.forums_home, name="home"),
    path("schedule/<int:area_id>/", views.schedule, name="schedule"),
    path("exit-criteria/", views.exit_criteria_edit, name="exit_criteria"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("<int:meeting_id>/move/", views.meeting_move, name="move"),
    path("<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_id>/agenda/build/", views.agenda_build, name="agenda_build"),
    path("<int:meeting_id>/items/new/", views.item_add, name="item_add"),
    path("<int:meeting_id>/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("<int:meeting_id>/items/<int:item_id>/decide/", views.decide, name="decide"),
    path("<int:meeting_id>/items/<int:item_id>/view/", views.agency_view, name="agency_view"),
    path("<int:meeting_id>/actions/new/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/", views.action_update, name="action_update"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("<int:meeting_id>/minutes.pdf", views.minutes_download, name="minutes_pdf"),
]
