"""The interview API, mounted under ``/api/v1/``. Route names follow ``processes.common.api``'s convention."""

from django.urls import path

from . import api

app_name = "interview_api"

urlpatterns = [
    path("interviews/", api.InterviewListCreateView.as_view(), name="case-list"),
    path("interviews/imports/", api.ImportCreateView.as_view(), name="import-create"),
    path("interviews/imports/<int:pk>/", api.ImportDetailView.as_view(), name="import-detail"),
    path("interviews/<int:pk>/", api.InterviewDetailView.as_view(), name="case-detail"),
    path("interviews/<int:pk>/confirm/", api.InterviewConfirmView.as_view(), name="case-confirm"),
    path("interviews/<int:pk>/tasks/<int:task_id>/complete/", api.InterviewTaskCompleteView.as_view(), name="task-complete"),
]
