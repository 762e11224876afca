"""The landing page: staff go to the workbench, subjects to the portal, others see the public links."""

from django.shortcuts import redirect
from django.urls import path
from django.views.generic import TemplateView

from credit.selectors import acts_as_staff, user_subjects


class HomeView(TemplateView):
    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if acts_as_staff(user):
                return redirect("workbench:home")
            if user_subjects(user).exists():
                return redirect("portal:home")
        return super().get(request, *args, **kwargs)


urlpatterns = [path("", HomeView.as_view(), name="home")]
