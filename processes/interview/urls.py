from django.urls import path

from . import views

app_name = "interview"

urlpatterns = [
    path("portal/interviews/<int:pk>/", views.PortalCaseView.as_view(), name="portal_detail"),
    path("portal/interviews/<int:pk>/confirm/", views.PortalConfirmView.as_view(), name="portal_confirm"),
    path("staff/interviews/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/interviews/new/", views.StaffStartView.as_view(), name="staff_start"),
    path("staff/interviews/import/", views.ImportView.as_view(), name="import"),
    path("staff/interviews/imports/<int:pk>/", views.ImportResultView.as_view(), name="import_result"),
    path("staff/interviews/<int:pk>/", views.StaffCaseView.as_view(), name="staff_detail"),
    path("staff/interviews/<int:pk>/confirm/", views.StaffConfirmView.as_view(), name="staff_confirm"),
]
