from django.urls import path, re_path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("deadlines/<str:which>/", views.DeadlinesView.as_view(), name="deadlines"),
    path("publication-rate/", views.PublicationRateView.as_view(), name="publication_rate"),
    path("data-quality/", views.DataQualityView.as_view(), name="data_quality"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("reports/", views.ReportIndexView.as_view(), name="reports"),
    re_path(r"^reports/(?P<month>\d{4}-\d{2})/$", views.MonthlyReportView.as_view(), name="monthly_report"),
]
