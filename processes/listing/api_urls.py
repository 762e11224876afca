"""The joint punishment check API, mounted under ``/api/v1/``."""

from django.urls import path

from . import api

app_name = "listing_api"

urlpatterns = [
    path("check/", api.JointCheckView.as_view(), name="check"),
]
