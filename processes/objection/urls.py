from django.urls import path

from . import views

app_name = "objection"

urlpatterns = [
    path("portal/records/<int:record_pk>/objection/", views.PortalFileView.as_view(), name="portal_file"),
    path("portal/objections/<int:pk>/", views.PortalCaseView.as_view(), name="portal_detail"),
    path("portal/objections/<int:pk>/supply/", views.PortalSupplyView.as_view(), name="portal_supply"),
    path("staff/objections/new/", views.StaffFileView.as_view(), name="staff_file"),
    path("staff/objections/<int:pk>/", views.StaffCaseView.as_view(), name="staff_detail"),
]
