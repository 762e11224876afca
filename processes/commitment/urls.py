from django.urls import path

from . import views

app_name = "commitment"

urlpatterns = [
    path("portal/commitments/new/", views.PortalRegisterView.as_view(), name="portal_register"),
    path("portal/commitments/<int:pk>/", views.PortalCaseView.as_view(), name="portal_detail"),
    path("portal/commitments/<int:pk>/signed-letter/", views.PortalSignView.as_view(), name="portal_sign"),
    path("portal/commitments/<int:pk>/supply/", views.PortalSupplyView.as_view(), name="portal_supply"),
    path("commitments/<int:pk>/letter/", views.CommitmentLetterView.as_view(), name="letter"),
    path("staff/commitments/new/", views.StaffRegisterView.as_view(), name="staff_register"),
    path("staff/commitments/<int:pk>/", views.StaffCaseView.as_view(), name="staff_detail"),
    path("public/commitments/", views.PublicCommitmentListView.as_view(), name="public_list"),
]
