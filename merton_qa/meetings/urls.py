"""Subgroups and meetings (included under /meetings/ by merton_qa.urls, without a namespace)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.subgroup_list, name="subgroup-list"),
    path("subgroups/<int:pk>/", views.subgroup_detail, name="subgroup-detail"),
    path("subgroups/<int:pk>/terms-of-reference/", views.subgroup_terms, name="subgroup-terms"),
    path("subgroups/<int:pk>/new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path("<int:pk>/agenda/", views.agenda, name="meeting-agenda"),
    path("<int:pk>/agenda/<int:item_pk>/move/", views.agenda_move, name="agenda-move"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda-remove"),
    path("<int:pk>/agenda/<int:item_pk>/minutes/", views.item_minutes, name="item-minutes"),
    path("<int:pk>/papers/", views.meeting_papers, name="meeting-papers"),
    path("<int:pk>/papers/<int:paper_pk>/", views.paper_download, name="paper-download"),
    path("<int:pk>/papers/<int:paper_pk>/remove/", views.paper_remove, name="paper-remove"),
    path("<int:pk>/attendance/", views.attendance, name="meeting-attendance"),
    path("<int:pk>/decisions/new/", views.decision_create, name="decision-create"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
]
