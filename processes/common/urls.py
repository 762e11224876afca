from django.urls import path

from . import workbench

app_name = "workbench"

urlpatterns = [
    path("", workbench.WorkbenchHomeView.as_view(), name="home"),
    path("tasks/<int:pk>/", workbench.TaskRedirectView.as_view(), name="task"),
]
