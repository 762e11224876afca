"""The objection API, mounted under ``/api/v1/``. Route names follow ``processes.common.api``'s convention."""

from django.urls import path

from . import api

app_name = "objection_api"

urlpatterns = [
    path("objections/", api.ObjectionListCreateView.as_view(), name="case-list"),
    path("objections/<int:pk>/", api.ObjectionDetailView.as_view(), name="case-detail"),
    path("objections/<int:pk>/supply/", api.ObjectionSupplyView.as_view(), name="case-supply"),
    path("objections/<int:pk>/tasks/<int:task_id>/complete/", api.ObjectionTaskCompleteView.as_view(), name="task-complete"),
]
