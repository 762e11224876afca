"""Top-level URLs: each app brings its own ``urls.py``; the viewflow frontend is mounted here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from viewflow.urls import Application, Site

from processes.commitment.flows import CommitmentFlow
from processes.common.flows import DepartmentFlowAppViewset
from processes.interview.flows import InterviewFlow
from processes.listing.flows import ListingFlow, RemovalFlow
from processes.objection.flows import ObjectionFlow
from processes.repair.flows import RepairFlow
from workflow_service.health import api_not_found, healthz

admin.site.site_header = "信用交通工作流 管理"
admin.site.site_title = "信用交通工作流"
admin.site.index_title = "数据管理"

# viewflow's Material frontend for staff: task pages, process lists, charts.
workflow_site = Site(
    title="信用交通工作流",
    viewsets=[
        Application(
            title="信用业务", icon="gavel", app_name="credit_processes",
            viewsets=[
                DepartmentFlowAppViewset(ObjectionFlow, icon="report"),
                DepartmentFlowAppViewset(RepairFlow, icon="healing"),
                DepartmentFlowAppViewset(ListingFlow, icon="playlist_add"),
                DepartmentFlowAppViewset(RemovalFlow, icon="playlist_remove"),
                DepartmentFlowAppViewset(InterviewFlow, icon="record_voice_over"),
                DepartmentFlowAppViewset(CommitmentFlow, icon="handshake"),
            ],
        ),
    ],
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("processes.common.api_urls")),
    path("api/v1/", include("processes.transfer.urls")),
    path("api/v1/", include("processes.objection.api_urls")),
    path("api/v1/", include("processes.interview.api_urls")),
    path("api/v1/", include("processes.listing.api_urls")),
    path("api/v1/", include("processes.commitment.api_urls")),
    re_path(r"^api/", api_not_found),  # unknown API paths answer JSON, not an HTML page
    path("documents/", include("documents.urls")),
    path("notifications/", include("notifications.urls")),
    path("workbench/", include("processes.common.urls")),
    path("workflow/", workflow_site.urls),
    path("portal/", include("portal.urls")),
    path("oversight/", include("oversight.urls")),
    path("", include("processes.objection.urls")),
    path("", include("processes.repair.urls")),
    path("", include("processes.listing.urls")),
    path("", include("processes.interview.urls")),
    path("", include("processes.commitment.urls")),
    path("", include("processes.transfer.staff_urls")),
    path("", include("workflow_service.home_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
