"""HTTP Basic for the API, counted by django-axes like the login page."""

from django.conf import settings
from drf_spectacular.authentication import BasicScheme
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication


def lockout_message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return f"登录失败次数过多（{settings.AXES_FAILURE_LIMIT} 次），该账号已被暂时锁定，请 {minutes} 分钟后再试。"


class LockoutBasicAuthentication(BasicAuthentication):
    """Basic auth whose failures count towards the axes lockout, and whose lockout says so.

    DRF hands django.contrib.auth its own Request; axes flags that object when the
    user name is locked, which the plain class would report as a wrong password.
    """

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise exceptions.Throttled(detail=lockout_message()) from None
            raise


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login gets (AXES_LOCKOUT_CALLABLE): the page in Chinese, JSON under /api/."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)


class LockoutBasicScheme(BasicScheme):
    """The OpenAPI security scheme of the class above: plain HTTP Basic."""

    target_class = "accounts.authentication.LockoutBasicAuthentication"
