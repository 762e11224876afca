"""The national site's endpoints, mounted under ``/api/v1/`` (contract: national-transfer.md)."""

from django.urls import path

from . import views

app_name = "transfer_api"

urlpatterns = [
    path("transfers/", views.TransferReceiveView.as_view(), name="receive"),
    # Without the slash too: APPEND_SLASH cannot redirect a POST, and DEBUG would answer 500 to it.
    path("transfers", views.TransferReceiveView.as_view()),
    path("transfers/<path:transfer_id>", views.TransferStatusView.as_view(), name="status"),
]
