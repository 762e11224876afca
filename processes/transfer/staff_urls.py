from django.urls import path

from . import views

app_name = "transfer_staff"

urlpatterns = [
    path("staff/platform-syncs/", views.PlatformSyncListView.as_view(), name="platform_syncs"),
    path("staff/platform-syncs/<int:pk>/resend/", views.PlatformSyncResendView.as_view(), name="platform_sync_resend"),
]
