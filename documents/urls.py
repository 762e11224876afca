from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("download/<uuid:pk>/", views.download, name="download"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
