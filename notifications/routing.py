"""Websocket routes of the notifications app (mounted by ``workflow_service.routing``)."""

from django.urls import path

from .consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
