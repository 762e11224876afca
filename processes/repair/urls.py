from django.urls import path

from . import views

app_name = "repair"

urlpatterns = [
    path("portal/records/<int:record_pk>/repair/", views.PortalFileView.as_view(), name="portal_file"),
    path("portal/records/<int:record_pk>/commitment-letter/", views.CommitmentLetterView.as_view(), name="commitment_letter"),
    path("portal/repairs/<int:pk>/", views.PortalCaseView.as_view(), name="portal_detail"),
    path("staff/repairs/<int:pk>/", views.StaffCaseView.as_view(), name="staff_detail"),
    path("staff/penalties/", views.PenaltySearchView.as_view(), name="staff_penalties"),
    path("staff/records/<int:record_pk>/repair-notice/", views.RepairNoticeView.as_view(), name="repair_notice"),
    path("public/repairs/", views.PublicRepairListView.as_view(), name="public_list"),
]
