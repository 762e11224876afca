"""Task endpoints every process shares, mounted under ``/api/v1/``."""

from django.urls import path

from . import api

app_name = "tasks_api"

urlpatterns = [
    path("tasks/inbox/", api.TaskInboxView.as_view(), name="inbox"),
    path("tasks/queue/", api.TaskQueueView.as_view(), name="queue"),
    path("tasks/<int:task_id>/claim/", api.TaskClaimView.as_view(), name="claim"),
    path("tasks/<int:task_id>/release/", api.TaskReleaseView.as_view(), name="release"),
]
