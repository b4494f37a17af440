"""Casework pages, all under one person: assessments, the care plan, prison work."""

from django.urls import path

from . import views
from .caseload_views import caseload, management, task
from .handover_views import handover, handover_download
from .mentoring_views import mentoring
from .notes_views import notes

app_name = "casework"

urlpatterns = [
    path("people/<int:person_id>/assessments/", views.assessments, name="assessments"),
    path("people/<int:person_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path(
        "people/<int:person_id>/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="assessment",
    ),
    path("people/<int:person_id>/plan/", views.plan, name="plan"),
    path("people/<int:person_id>/plan/objectives/new/", views.objective_add, name="objective_add"),
    path(
        "people/<int:person_id>/plan/objectives/<int:objective_id>/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "people/<int:person_id>/plan/objectives/<int:objective_id>/actions/new/",
        views.action_add,
        name="action_add",
    ),
    path(
        "people/<int:person_id>/plan/actions/<int:action_id>/",
        views.action_edit,
        name="action_edit",
    ),
    path("people/<int:person_id>/plan/reviews/new/", views.review_add, name="review_add"),
    path("people/<int:person_id>/prison-work/", views.prison_work, name="prison_work"),
    path("people/<int:person_id>/management/", management, name="management"),
    path("people/<int:person_id>/notes/", notes, name="notes"),
    path("people/<int:person_id>/mentoring/", mentoring, name="mentoring"),
    path("tasks/<int:task_id>/", task, name="task"),
    path("caseload/", caseload, name="caseload"),
    path("people/<int:person_id>/handover/", handover, name="handover"),
    path("people/<int:person_id>/handover.pdf", handover_download, name="handover_pdf"),
]
