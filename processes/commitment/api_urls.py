"""The commitment API, mounted under ``/api/v1/``. Route names follow ``processes.common.api``'s convention."""

from django.urls import path

from . import api

app_name = "commitment_api"

urlpatterns = [
    path("commitments/", api.CommitmentListCreateView.as_view(), name="case-list"),
    path("commitments/<int:pk>/", api.CommitmentDetailView.as_view(), name="case-detail"),
    path("commitments/<int:pk>/signed-letter/", api.CommitmentSignView.as_view(), name="case-sign"),
    path("commitments/<int:pk>/supply/", api.CommitmentSupplyView.as_view(), name="case-supply"),
    path("commitments/<int:pk>/tasks/<int:task_id>/complete/", api.CommitmentTaskCompleteView.as_view(), name="task-complete"),
]
