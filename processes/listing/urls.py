from django.urls import path

from . import views

app_name = "listing"

urlpatterns = [
    path("staff/lists/", views.RegisterView.as_view(), name="register"),
    path("staff/lists/propose/", views.ProposeView.as_view(), name="propose"),
    path("staff/lists/<int:entry_pk>/removal/", views.RemovalStartView.as_view(), name="removal_start"),
    path("staff/listings/<int:pk>/", views.StaffListingView.as_view(), name="staff_listing"),
    path("staff/removals/<int:pk>/", views.StaffRemovalView.as_view(), name="staff_removal"),
    path("staff/check-log/", views.CheckLogView.as_view(), name="check_log"),
    path("staff/joint-actions/", views.JointActionView.as_view(), name="joint_actions"),
    path("portal/listings/<int:pk>/", views.PortalListingView.as_view(), name="portal_listing"),
    path("portal/listings/<int:pk>/object/", views.PortalObjectView.as_view(), name="portal_object"),
    path("portal/listings/<int:pk>/no-objection/", views.PortalWaiveView.as_view(), name="portal_waive"),
    path("portal/removals/<int:pk>/", views.PortalRemovalView.as_view(), name="portal_removal"),
    path("public/", views.PublicIndexView.as_view(), name="public_index"),
    path("public/lists/<str:kind>/", views.PublicListView.as_view(), name="public_list"),
]
